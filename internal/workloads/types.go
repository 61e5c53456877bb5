package workloads

import (
	"fmt"
	"strings"
)

// Source is one place workloads are read from.
type Source struct {
	// Path is a file, a glob (** matches any number of directories), a directory holding
	// kustomization.yaml, or "-" for Stdin.
	Path string
	// Base is the directory a relative Path is relative to ("" = the working directory).
	Base string
	// Region is the region the pods run in.
	Region string
	// Labelled keeps only the pods bound to virtual nodes (eci: labelled).
	Labelled bool
	// Origin says where the source was named, for errors ("imagecaches.yaml:12:5",
	// "--workloads").
	Origin string
	// Within, when set, is the directory that Path and everything it names must lie in,
	// symbolic links followed: a source named in a file that a pull request may change
	// reads that repository's manifests, never the rest of the machine it runs on.
	Within string
}

// Image is one container's image.
type Image struct {
	// Ref is the reference as written in the manifest.
	Ref string
	// Container names the container; Init says whether it is an init container.
	Container string
	Init      bool
	// PullPolicy is the container's imagePullPolicy as written ("" when left out).
	PullPolicy string
}

// PullsAlways reports whether the kubelet pulls this image at every start: policy
// Always, or no policy with the tag latest (or none), Kubernetes' default.
func (i Image) PullsAlways() bool {
	switch i.PullPolicy {
	case "Always":
		return true
	case "":
		if strings.Contains(i.Ref, "@") {
			return false
		}
		last := i.Ref[strings.LastIndex(i.Ref, "/")+1:]
		colon := strings.LastIndex(last, ":")
		return colon < 0 || last[colon+1:] == "latest"
	}
	return false
}

// Workload is one object with a pod template.
type Workload struct {
	Kind      string
	Namespace string // "" when the manifest leaves it out
	Name      string
	// File and Line say where the object starts.
	File string
	Line int
	// Region is the source's region.
	Region string
	// Images are the containers' and init containers' images, in manifest order.
	Images []Image
	// Annotations are the pod template's annotations (a Pod's own).
	Annotations map[string]string
	// OnVirtualNode says the pods are bound to virtual nodes: label
	// alibabacloud.com/eci: "true", nodeSelector type: virtual-kubelet, or a toleration
	// of virtual-kubelet.io/provider.
	OnVirtualNode bool

	origin string // kustomize's origin annotation: the file the object came from
}

// ID names the workload as "Kind namespace/name" (or "Kind name" with no namespace).
func (w *Workload) ID() string {
	if w.Namespace == "" {
		return w.Kind + " " + w.Name
	}
	return w.Kind + " " + w.Namespace + "/" + w.Name
}

// Position is the workload's FILE:LINE.
func (w *Workload) Position() string { return fmt.Sprintf("%s:%d", w.File, w.Line) }

// Error is a problem with a source, at FILE:LINE (Line 0: the whole file).
type Error struct {
	File    string
	Line    int
	Message string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return e.File + ": " + e.Message
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Message)
}

// Errors are all the problems found, one a line.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}
