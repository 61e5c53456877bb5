package bench

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The coverage scenario: a plan of coverageCaches unchanged caches, with and without
// coverageWorkloads Deployments in coverageFiles files.
const (
	coverageCaches    = 1000
	coverageWorkloads = 5000
	coverageFiles     = 25
	coverageRuns      = 5 // runs of each plan; the median is reported
)

// BenchmarkCoverage plans 1,000 unchanged caches from saved output without workloads,
// and with 5,000 Deployments in 25 files of two shapes: minimal (name, namespace, an
// init container and a container: about 300 bytes) and as a cluster holds them (labels,
// probes, resources, env: about 1.3 KB). Each plan runs as a built binary in a process of
// its own; the table (docs/performance.md) has the median wall time, CPU time and peak
// memory, and each shape's ratios to the plan without workloads against the bounds
// (3× the time, 2× the memory).
//
//	go test ./internal/bench -run '^$' -bench Coverage -benchtime 1x
func BenchmarkCoverage(b *testing.B) {
	dir := b.TempDir()
	binary := filepath.Join(dir, "imcsync")
	if out, err := exec.Command("go", "build", "-o", binary, "github.com/imcsync/imcsync").CombinedOutput(); err != nil {
		b.Fatalf("building imcsync: %v\n%s", err, out)
	}
	plain, liveFile := writeCoverageScenario(b, dir)
	shapes := []struct{ name, template string }{{"minimal", minimalDeployment}, {"as a cluster holds them", deployment}}
	for range b.N {
		base := medianPlan(b, binary, plain, liveFile, "")
		fmt.Printf("\n%d cores, %s; %d unchanged caches, %d Deployments in %d files; median of %d runs\n\n",
			runtime.NumCPU(), runtime.Version(), coverageCaches, coverageWorkloads, coverageFiles, coverageRuns)
		fmt.Println("| plan of 1,000 unchanged caches | manifests | wall | CPU | peak memory | time × | memory × |")
		fmt.Println("|---|---|---|---|---|---|---|")
		fmt.Printf("| without workloads | | %s | %s | %.0f MB | | |\n", seconds(base.wall), seconds(base.cpu), base.rssMB)
		for i, sh := range shapes {
			file, size := writeWorkloads(b, dir, fmt.Sprintf("k8s-%d", i), sh.template, plain)
			cov := medianPlan(b, binary, file, liveFile, fmt.Sprintf("Coverage: %d workloads", coverageWorkloads))
			ratio, mem := cov.wall.Seconds()/base.wall.Seconds(), cov.rssMB/base.rssMB
			verdict := func(r, bound float64) string {
				if r <= bound {
					return fmt.Sprintf("%.2f (≤ %.0f)", r, bound)
				}
				return fmt.Sprintf("**%.2f (> %.0f)**", r, bound)
			}
			fmt.Printf("| with %d Deployments, %s | %.1f MB | %s | %s | %.0f MB | %s | %s |\n", coverageWorkloads, sh.name,
				float64(size)/1e6, seconds(cov.wall), seconds(cov.cpu), cov.rssMB, verdict(ratio, 3), verdict(mem, 2))
		}
	}
}

type planRun struct {
	wall, cpu time.Duration
	rssMB     float64
}

// medianPlan runs plan coverageRuns times and returns the median of each figure.
func medianPlan(b *testing.B, binary, file, liveFile, want string) planRun {
	b.Helper()
	var walls, cpus []time.Duration
	var rss []float64
	for range coverageRuns {
		cmd := exec.Command(binary, "plan", "-f", file, "--live", liveFile)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		start := time.Now()
		err := cmd.Run()
		walls = append(walls, time.Since(start))
		if err != nil {
			b.Fatalf("plan %s: %v\n%s", file, err, stderr.String())
		}
		if !strings.HasPrefix(stdout.String(), "No changes.") || !strings.Contains(stdout.String(), want) {
			b.Fatalf("plan %s does not say %q:\n%s", file, want, stdout.String()[:min(stdout.Len(), 600)])
		}
		cpus = append(cpus, cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime())
		rss = append(rss, float64(cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss)*1024/1e6)
	}
	slices.Sort(walls)
	slices.Sort(cpus)
	slices.Sort(rss)
	return planRun{walls[len(walls)/2], cpus[len(cpus)/2], rss[len(rss)/2]}
}

// coverageImages are the images of cache i: its own and a sidecar every cache holds.
func coverageImages(i int) []string {
	return []string{fmt.Sprintf("registry.example.com/team-%d/app-%d:v1.2.%d", i%40, i, i%13), "registry.example.com/base/sidecar:3.1"}
}

// writeCoverageScenario writes the file of the caches and the saved listing.
func writeCoverageScenario(b *testing.B, dir string) (plain, liveFile string) {
	b.Helper()
	return writePlanScenario(b, dir, coverageCaches, coverageImages, func(int) int32 { return 40 })
}

// writeWorkloads writes coverageWorkloads Deployments made from template in
// coverageFiles files under dir/sub, one in eleven with an image no cache holds, and a
// copy of the file plain that names them; it returns the copy and the manifests' bytes.
func writeWorkloads(b *testing.B, dir, sub, template, plain string) (string, int) {
	b.Helper()
	if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
		b.Fatal(err)
	}
	perFile, size := coverageWorkloads/coverageFiles, 0
	for f := range coverageFiles {
		var k strings.Builder
		for j := range perFile {
			i := f*perFile + j
			im := coverageImages(i % (coverageCaches + coverageCaches/10))
			fmt.Fprintf(&k, template, i, i%40, i, i, i, im[1], im[0])
		}
		size += k.Len()
		if err := os.WriteFile(filepath.Join(dir, sub, fmt.Sprintf("apps-%02d.yaml", f)), []byte(k.String()), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	data, err := os.ReadFile(plain)
	if err != nil {
		b.Fatal(err)
	}
	file := filepath.Join(dir, sub+".yaml")
	withEntry := strings.Replace(string(data), "imageCaches:\n", "workloads:\n  - path: "+sub+"/*.yaml\nimageCaches:\n", 1)
	if err := os.WriteFile(file, []byte(withEntry), 0o644); err != nil {
		b.Fatal(err)
	}
	return file, size
}

// minimalDeployment is a Deployment with only what coverage reads (the labels' and
// annotations' arguments are ignored).
const minimalDeployment = `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-%d
  namespace: team-%d
spec:
  template:
    spec:
      initContainers:
        - name: wait
          image: %[6]s
      containers:
        - name: app
          image: %[7]s
`

// deployment is a Deployment as a cluster holds it: labels, probes, resources, an init
// container.
const deployment = `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-%d
  namespace: team-%d
  labels: {app.kubernetes.io/name: app-%d, app.kubernetes.io/part-of: shop}
spec:
  replicas: 3
  selector:
    matchLabels: {app.kubernetes.io/name: app-%d}
  template:
    metadata:
      labels: {app.kubernetes.io/name: app-%d}
      annotations: {prometheus.io/scrape: "true", prometheus.io/port: "9090"}
    spec:
      serviceAccountName: app
      initContainers:
        - name: wait
          image: %s
          imagePullPolicy: IfNotPresent
          command: ["sh", "-c", "until nc -z db 5432; do sleep 1; done"]
      containers:
        - name: app
          image: %s
          imagePullPolicy: IfNotPresent
          ports:
            - {name: http, containerPort: 8080}
            - {name: metrics, containerPort: 9090}
          env:
            - {name: LOG_LEVEL, value: info}
            - {name: PORT, value: "8080"}
          resources:
            requests: {cpu: 250m, memory: 256Mi}
            limits: {cpu: "1", memory: 512Mi}
          readinessProbe:
            httpGet: {path: /healthz, port: http}
            periodSeconds: 5
          livenessProbe:
            httpGet: {path: /healthz, port: http}
            initialDelaySeconds: 10
`
