package cli

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// manifest is what TestKubernetesExample reads of the example's objects.
type manifest struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Labels      map[string]string `yaml:"labels"`
		Annotations map[string]string `yaml:"annotations"`
	} `yaml:"metadata"`
	Spec struct {
		Replicas *int `yaml:"replicas"`
		Strategy struct {
			Type string `yaml:"type"`
		} `yaml:"strategy"`
		Template struct {
			Spec struct {
				ServiceAccountName string `yaml:"serviceAccountName"`
				SecurityContext    struct {
					RunAsNonRoot bool `yaml:"runAsNonRoot"`
				} `yaml:"securityContext"`
				Containers []container `yaml:"containers"`
			} `yaml:"spec"`
		} `yaml:"template"`
		Ports []struct {
			Name       string `yaml:"name"`
			Port       int    `yaml:"port"`
			TargetPort string `yaml:"targetPort"`
		} `yaml:"ports"`
		PublishNotReadyAddresses bool `yaml:"publishNotReadyAddresses"`
	} `yaml:"spec"`
}

type container struct {
	Name  string   `yaml:"name"`
	Args  []string `yaml:"args"`
	Ports []struct {
		Name          string `yaml:"name"`
		ContainerPort int    `yaml:"containerPort"`
	} `yaml:"ports"`
	LivenessProbe  probe `yaml:"livenessProbe"`
	ReadinessProbe probe `yaml:"readinessProbe"`
	Resources      struct {
		Requests map[string]string `yaml:"requests"`
	} `yaml:"resources"`
	SecurityContext struct {
		ReadOnlyRootFilesystem bool `yaml:"readOnlyRootFilesystem"`
	} `yaml:"securityContext"`
	VolumeMounts []struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
	} `yaml:"volumeMounts"`
}

type probe struct {
	HTTPGet struct {
		Path string `yaml:"path"`
		Port string `yaml:"port"`
	} `yaml:"httpGet"`
}

// TestKubernetesExample keeps examples/kubernetes true to imcsync: one replica that
// never overlaps another, non-root containers with read-only root filesystems and
// resource requests, reconcile flags that the command accepts, probes and a Service on
// the port it listens on, the file where git-sync puts it, and RRSA credentials.
func TestKubernetesExample(t *testing.T) {
	objects := map[string]manifest{}
	files, err := filepath.Glob("../../examples/kubernetes/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no example manifests: %v", err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var m manifest
		dec := yaml.NewDecoder(strings.NewReader(string(data)))
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		objects[m.Kind] = m
	}
	for _, kind := range []string{"Namespace", "ServiceAccount", "Deployment", "Service", "ServiceMonitor", "Kustomization"} {
		if _, ok := objects[kind]; !ok {
			t.Errorf("no %s in examples/kubernetes", kind)
		}
	}
	if objects["Namespace"].Metadata.Labels["pod-identity.alibabacloud.com/injection"] != "on" ||
		objects["ServiceAccount"].Metadata.Annotations["pod-identity.alibabacloud.com/role-name"] == "" {
		t.Error("RRSA is not set up: namespace label pod-identity.alibabacloud.com/injection=on and service account annotation pod-identity.alibabacloud.com/role-name")
	}

	d := objects["Deployment"]
	if d.Spec.Replicas == nil || *d.Spec.Replicas != 1 || d.Spec.Strategy.Type != "Recreate" {
		t.Errorf("Deployment: replicas %v, strategy %q; want 1 and Recreate", d.Spec.Replicas, d.Spec.Strategy.Type)
	}
	pod := d.Spec.Template.Spec
	if !pod.SecurityContext.RunAsNonRoot {
		t.Error("Deployment: runAsNonRoot is not set")
	}
	var imcsync, gitSync *container
	for i, c := range pod.Containers {
		if !c.SecurityContext.ReadOnlyRootFilesystem || c.Resources.Requests["cpu"] == "" || c.Resources.Requests["memory"] == "" {
			t.Errorf("container %s: want readOnlyRootFilesystem and cpu and memory requests", c.Name)
		}
		switch c.Name {
		case "imcsync":
			imcsync = &pod.Containers[i]
		case "git-sync":
			gitSync = &pod.Containers[i]
		}
	}
	if imcsync == nil || gitSync == nil {
		t.Fatal("Deployment: want containers imcsync and git-sync")
	}

	// The args parse as `imcsync reconcile` flags.
	a := &app{stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }}
	root := a.rootCommand()
	cmd, rest, err := root.Find(imcsync.Args)
	if err != nil || cmd.Name() != "reconcile" {
		t.Fatalf("imcsync args %v: command %v, %v; want reconcile", imcsync.Args, cmd, err)
	}
	if err := cmd.ParseFlags(rest); err != nil {
		t.Fatalf("imcsync args %v: %v", imcsync.Args, err)
	}
	listen, _ := cmd.Flags().GetString("listen")
	file, _ := root.PersistentFlags().GetString("file")
	if len(imcsync.Ports) != 1 || !strings.HasSuffix(listen, ":"+strconv.Itoa(imcsync.Ports[0].ContainerPort)) {
		t.Errorf("imcsync listens on %q, its port is %+v", listen, imcsync.Ports)
	}
	port := imcsync.Ports[0].Name
	if p := imcsync.LivenessProbe.HTTPGet; p.Path != "/healthz" || p.Port != port {
		t.Errorf("liveness probe %+v, want /healthz on %s", p, port)
	}
	if p := imcsync.ReadinessProbe.HTTPGet; p.Path != "/readyz" || p.Port != port {
		t.Errorf("readiness probe %+v, want /readyz on %s", p, port)
	}
	svc := objects["Service"]
	if len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].TargetPort != port || svc.Spec.Ports[0].Name != "metrics" || !svc.Spec.PublishNotReadyAddresses {
		t.Errorf("Service ports %+v, publishNotReadyAddresses %v; want port metrics to %s, published while not ready", svc.Spec.Ports, svc.Spec.PublishNotReadyAddresses, port)
	}

	// The file is where git-sync links the checkout, on the volume both mount.
	flag := func(args []string, name string) string {
		i := slices.IndexFunc(args, func(s string) bool { return strings.HasPrefix(s, "--"+name+"=") })
		if i < 0 {
			return ""
		}
		return strings.TrimPrefix(args[i], "--"+name+"=")
	}
	root0, link := flag(gitSync.Args, "root"), flag(gitSync.Args, "link")
	if want := root0 + "/" + link + "/"; root0 == "" || link == "" || !strings.HasPrefix(file, want) {
		t.Errorf("imcsync reads %q; git-sync links the checkout at %s", file, want)
	}
	mounted := func(c *container) bool {
		return slices.ContainsFunc(c.VolumeMounts, func(m struct {
			Name      string `yaml:"name"`
			MountPath string `yaml:"mountPath"`
		}) bool {
			return m.MountPath == root0
		})
	}
	if !mounted(imcsync) || !mounted(gitSync) {
		t.Errorf("both containers must mount %s", root0)
	}
}
