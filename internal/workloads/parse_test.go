package workloads

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	const stream = `apiVersion: v1
kind: List
items:
  - kind: Pod
    metadata: {name: p, namespace: ns, annotations: {k8s.aliyun.com/eci-auto-imc: "false"}}
    spec:
      containers: [{name: c, image: "nginx", imagePullPolicy: Always}]
---
kind: CronJob
metadata: {name: cj}
spec:
  jobTemplate:
    spec:
      template:
        metadata:
          labels: {alibabacloud.com/eci: "true"}
        spec:
          initContainers: [{name: i, image: "busybox:1"}]
          containers: [{name: c, image: "job:1"}]
---
kind: Service
metadata: {name: s}
spec: {ports: [{port: 80}]}
---
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      tolerations: [{key: virtual-kubelet.io/provider}]
      containers: [{name: c}]
`
	got, errs := Parse("f.yaml", []byte(stream))
	if errs != nil {
		t.Fatal(errs)
	}
	want := []Workload{
		{Kind: "Pod", Namespace: "ns", Name: "p", File: "f.yaml", Line: 4, Annotations: map[string]string{"k8s.aliyun.com/eci-auto-imc": "false"},
			Images: []Image{{Ref: "nginx", Container: "c", PullPolicy: "Always"}}},
		{Kind: "CronJob", Name: "cj", File: "f.yaml", Line: 9, OnVirtualNode: true,
			Images: []Image{{Ref: "busybox:1", Container: "i", Init: true}, {Ref: "job:1", Container: "c"}}},
		{Kind: "Deployment", Name: "d", File: "f.yaml", Line: 25, OnVirtualNode: true},
	}
	if d := cmp.Diff(want, got, cmp.AllowUnexported(Workload{})); d != "" {
		t.Errorf("Parse (-want +got):\n%s", d)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ name, data, want string }{
		{"not YAML", "kind: Pod\nmetadata: a: b\n", "f.yaml:2: not YAML: mapping values are not allowed in this context"},
		{"helm control line", "kind: Pod\n{{- if .Values.on }}\nspec: {}\n", "f.yaml:2: unrendered template {{ … }}: render it first"},
		{"unquoted value", "kind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n", "f.yaml:3: unrendered template {{ … }}"},
		{"quoted image", "kind: Pod\nspec:\n  containers: [{image: \"{{ .Values.image }}\"}]\n", `f.yaml:3: unrendered template "{{ .Values.image }}"`},
		{"escape sequence in a name", "kind: Pod\nmetadata: {name: \"web\\e[2K\"}\nspec: {containers: [{image: a}]}\n", "f.yaml:1: metadata.name holds the control character U+001B, which no Kubernetes object has"},
		{"line break in an image", "kind: Pod\nspec:\n  containers: [{name: c, image: \"a:1\\n::error::forged\"}]\n", `f.yaml:1: the container "c" holds the control character U+000A`},
		{"bidi override in an ECI annotation", "kind: Pod\nmetadata: {annotations: {k8s.aliyun.com/eci-imc-id: \"imc-\\u202e1\"}}\nspec: {containers: [{image: a}]}\n", "f.yaml:1: the annotation k8s.aliyun.com/eci-imc-id holds the invisible character U+202E"},
		{"too deep", "a: " + strings.Repeat("[", 120) + strings.Repeat("]", 120) + "\n", "f.yaml:1: nested more than 100 levels deep"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errs := Parse("f.yaml", []byte(tc.data))
			if errs == nil || !strings.HasPrefix(errs.Error(), tc.want) {
				t.Errorf("Parse error = %v, want it to start with %q", errs, tc.want)
			}
		})
	}
	// Other annotations may hold any text (a line break in a config, say).
	if _, errs := Parse("f.yaml", []byte("kind: Pod\nmetadata: {annotations: {note: \"a\\nb\"}}\nspec: {containers: [{image: a}]}\n")); errs != nil {
		t.Errorf("an annotation that is not ECI's with a line break is an error: %v", errs)
	}
	// A {{ }} in a document that is no workload (an alert template in a ConfigMap) is data.
	if _, errs := Parse("f.yaml", []byte("kind: ConfigMap\ndata:\n  t: \"{{ $labels.job }}\"\n")); errs != nil {
		t.Errorf("a ConfigMap's template string is an error: %v", errs)
	}
}

// TestHugeListRefusedBeforeDecoding: a manifest that is one flow list of millions of
// items is refused from its bytes, fast and without building a node per item.
func TestHugeListRefusedBeforeDecoding(t *testing.T) {
	data := []byte("kind: Pod\nspec:\n  containers: [" + strings.Repeat("a,", 4_000_000) + "a]\n")
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, errs := Parse("f.yaml", data)
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	if errs == nil || !strings.HasPrefix(errs.Error(), "f.yaml:3: a list of more than 100000 items") {
		t.Fatalf("Parse error = %v, want the list at f.yaml:3 refused", errs)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 10<<20 {
		t.Errorf("refusing the list allocated %d MB, want under 10 MB", alloc>>20)
	}
	if took > time.Second {
		t.Errorf("refusing the list took %v, want well under a second", took)
	}
}
