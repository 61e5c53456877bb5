package workloads

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/imcsync/imcsync/spec"
)

// renderHint says how to render a template before imcsync reads it.
const renderHint = "render it first (helm template …, kustomize build …) and read the output, e.g. helm template … | imcsync plan --workloads -"

var syntaxErrRe = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// Parse reads the workloads of a multi-document YAML stream named name. Documents
// without a pod template are skipped; `kind: List` items are read.
func Parse(name string, data []byte) ([]Workload, Errors) {
	if at, long := spec.ListLongerThan(data, maxListItems); long {
		return nil, Errors{{File: name, Line: at.Line, Message: fmt.Sprintf("a list of more than %d items, more than any Kubernetes object holds: the file was not decoded", maxListItems)}}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []Workload
	var errs Errors
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, Errors{syntaxError(name, data, err)}
		}
		if len(doc.Content) == 0 {
			continue
		}
		if w, e, ok := spec.AliasBound(&doc); !ok {
			errs = append(errs, &Error{File: name, Line: doc.Line, Message: fmt.Sprintf("YAML aliases (*name) expand this document's %d written values to %d values, more than imcsync reads: write the values out", w, e)})
			continue
		}
		d, tmpl := scan(&doc, 0)
		if d > maxDepth {
			errs = append(errs, &Error{File: name, Line: doc.Line, Message: fmt.Sprintf("nested more than %d levels deep, more than any Kubernetes object: is it the right file?", maxDepth)})
			continue
		}
		if tmpl != nil {
			errs = append(errs, &Error{File: name, Line: tmpl.Line, Message: "unrendered template {{ … }}: " + renderHint})
			continue
		}
		ws, es := objects(name, resolve(doc.Content[0]), 0)
		out = append(out, ws...)
		errs = append(errs, es...)
	}
	return out, errs
}

// syntaxError is a YAML parse error at its line; when the stream holds {{ }}, the
// template is the likely cause and the error says so, at the template's first line.
func syntaxError(name string, data []byte, err error) *Error {
	if i := bytes.Index(data, []byte("{{")); i >= 0 {
		return &Error{File: name, Line: lineOf(data, i), Message: "unrendered template {{ … }}: " + renderHint}
	}
	msg, line := strings.TrimPrefix(err.Error(), "yaml: "), 1
	if m := syntaxErrRe.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	return &Error{File: name, Line: line, Message: "not YAML: " + msg + ": workloads are rendered Kubernetes manifests"}
}

// scan returns how deeply n nests (aliases not followed: AliasBound bounds them), and
// the first mapping key that is itself a mapping or a list: what YAML makes of an
// unquoted {{ … }}, and never part of a Kubernetes object.
func scan(n *yaml.Node, d int) (int, *yaml.Node) {
	if d > maxDepth {
		return d, nil
	}
	most := d
	var tmpl *yaml.Node
	for i, c := range n.Content {
		if n.Kind == yaml.MappingNode && i%2 == 0 && (c.Kind == yaml.MappingNode || c.Kind == yaml.SequenceNode) && tmpl == nil {
			tmpl = c
		}
		cd, ct := scan(c, d+1)
		most = max(most, cd)
		if tmpl == nil {
			tmpl = ct
		}
	}
	return most, tmpl
}

// objects returns the workloads of one object: itself when it has a pod template, the
// items of a List.
func objects(name string, n *yaml.Node, nesting int) ([]Workload, Errors) {
	if n.Kind != yaml.MappingNode {
		return nil, nil // a scalar or list document is no Kubernetes object: skipped
	}
	kind := str(get(n, "kind"))
	if items := get(n, "items"); items != nil && strings.HasSuffix(kind, "List") && items.Kind == yaml.SequenceNode && nesting < 2 {
		var out []Workload
		var errs Errors
		for _, it := range items.Content {
			ws, es := objects(name, resolve(it), nesting+1)
			out = append(out, ws...)
			errs = append(errs, es...)
		}
		return out, errs
	}
	meta := get(n, "metadata")
	spec := get(n, "spec")
	var pod, podMeta *yaml.Node
	switch {
	case kind == "Pod":
		pod, podMeta = spec, meta
	case get(get(spec, "template"), "spec") != nil:
		pod, podMeta = get(get(spec, "template"), "spec"), get(get(spec, "template"), "metadata")
	case get(get(get(get(spec, "jobTemplate"), "spec"), "template"), "spec") != nil:
		t := get(get(get(spec, "jobTemplate"), "spec"), "template")
		pod, podMeta = get(t, "spec"), get(t, "metadata")
	}
	if pod == nil || pod.Kind != yaml.MappingNode {
		return nil, nil
	}
	if at := template(pod); at != nil {
		return nil, Errors{{File: name, Line: at.Line, Message: "unrendered template " + shortValue(at.Value) + ": " + renderHint}}
	}
	w := Workload{Kind: kind, Name: str(get(meta, "name")), Namespace: str(get(meta, "namespace")), File: name, Line: n.Line,
		Annotations: stringMap(get(podMeta, "annotations"))}
	if o := stringMap(get(meta, "annotations"))[originAnnotation]; o != "" {
		var origin struct{ Path string }
		if yaml.Unmarshal([]byte(o), &origin) == nil {
			w.origin = origin.Path
		}
		delete(w.Annotations, originAnnotation)
	}
	if w.Kind == "" {
		w.Kind = "Object"
	}
	labels := stringMap(get(podMeta, "labels"))
	w.OnVirtualNode = labels["alibabacloud.com/eci"] == "true" || str(get(get(pod, "nodeSelector"), "type")) == "virtual-kubelet"
	if tol := get(pod, "tolerations"); tol != nil && tol.Kind == yaml.SequenceNode {
		for _, t := range tol.Content {
			if str(get(resolve(t), "key")) == "virtual-kubelet.io/provider" {
				w.OnVirtualNode = true
			}
		}
	}
	for _, list := range []struct {
		key  string
		init bool
	}{{"initContainers", true}, {"containers", false}} {
		cs := get(pod, list.key)
		if cs == nil || cs.Kind != yaml.SequenceNode {
			continue
		}
		for _, c := range cs.Content {
			c = resolve(c)
			if ref := str(get(c, "image")); ref != "" {
				w.Images = append(w.Images, Image{Ref: ref, Container: str(get(c, "name")), Init: list.init, PullPolicy: str(get(c, "imagePullPolicy"))})
			}
		}
	}
	if e := unshowable(name, n.Line, w); e != nil {
		return nil, Errors{e}
	}
	return []Workload{w}, nil
}

// unshowable refuses a workload whose kind, name, namespace, ECI annotations or
// containers hold a character that would change how the terminal or the CI log shows the plan around it
// (an escape sequence, a line break, a bidirectional override): no Kubernetes object has
// one, and a pull request could use it to disguise the output.
func unshowable(file string, line int, w Workload) *Error {
	values := []struct{ what, v string }{{"kind", w.Kind}, {"metadata.name", w.Name}, {"metadata.namespace", w.Namespace}}
	for k, v := range w.Annotations {
		if strings.HasPrefix(k, "k8s.aliyun.com/") { // ECI's, which coverage reads and prints
			values = append(values, struct{ what, v string }{"the annotation " + k, v})
		}
	}
	for _, im := range w.Images {
		values = append(values, struct{ what, v string }{"the container " + strconv.Quote(im.Container), im.Container + im.Ref + im.PullPolicy})
	}
	for _, v := range values {
		if c := spec.Unshowable(v.v); c != "" {
			return &Error{File: file, Line: line, Message: fmt.Sprintf("%s holds %s, which no Kubernetes object has: is it the right file?", v.what, c)}
		}
	}
	return nil
}

// template returns the first scalar under n that holds {{ }} templating.
func template(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.ScalarNode && strings.Contains(n.Value, "{{") && strings.Contains(n.Value, "}}") {
		return n
	}
	if n.Kind == yaml.AliasNode {
		return nil
	}
	for _, c := range n.Content {
		if t := template(c); t != nil {
			return t
		}
	}
	return nil
}

func shortValue(s string) string {
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return strconv.Quote(s)
}

// resolve follows an alias to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// get is the value of key in mapping m, or nil.
func get(m *yaml.Node, key string) *yaml.Node {
	m = resolve(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return resolve(m.Content[i+1])
		}
	}
	return nil
}

// str is a scalar's value, or "".
func str(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

func stringMap(n *yaml.Node) map[string]string {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	m := make(map[string]string, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		m[n.Content[i].Value] = str(resolve(n.Content[i+1]))
	}
	return m
}
