package workloads

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// kustomizationNames are the file names kustomize reads in a directory.
var kustomizationNames = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

// kustomization is the kustomization file of dir, or "".
func kustomization(dir string) string {
	for _, n := range kustomizationNames {
		if fi, err := os.Stat(filepath.Join(dir, n)); err == nil && fi.Mode().IsRegular() {
			return filepath.Join(dir, n)
		}
	}
	return ""
}

// originAnnotation is where kustomize records the file a resource came from.
const originAnnotation = "config.kubernetes.io/origin"

// buildKustomization builds dir as `kustomize build` does, offline, and reads the
// workloads of the output. Each workload's position is the file and line it came from
// (kustomize's origin annotation), so that overlays' names, images and patches are
// what coverage sees, and a reviewer is pointed at the manifest. Every base and
// resource must lie in within, when it is set.
func buildKustomization(dir, within string) ([]Workload, Errors) {
	kfile := kustomization(dir)
	if err := checkLocal(dir, within, 0, map[string]bool{}); err != nil {
		return nil, Errors{err}
	}
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	m, err := k.Run(originFS{FileSystem: filesys.MakeFsOnDisk(), top: kfile}, dir)
	if err != nil {
		return nil, Errors{{File: kfile, Message: "kustomize build: " + err.Error()}}
	}
	out, err := m.AsYaml()
	if err != nil {
		return nil, Errors{{File: kfile, Message: "kustomize build: " + err.Error()}}
	}
	ws, errs := Parse(kfile, out)
	for i := range ws {
		ws[i].File, ws[i].Line = kfile, 1
		if o := ws[i].origin; o != "" {
			ws[i].File = filepath.Join(dir, o)
			ws[i].Line = lineOfObject(ws[i].File, ws[i].Kind, ws[i].Name)
		}
		ws[i].origin = ""
	}
	return ws, errs
}

// lineOfObject finds the line where the object of that kind, whose name the build may
// have prefixed or suffixed, starts in file; 1 when it cannot tell.
func lineOfObject(file, kind, name string) int {
	data, err := os.ReadFile(file)
	if err != nil || len(data) > MaxFileSize {
		return 1
	}
	ws, _ := Parse(file, data)
	line := 1
	for _, w := range ws {
		if w.Kind == kind && w.Name != "" && strings.Contains(name, w.Name) {
			if w.Name == name {
				return w.Line
			}
			line = w.Line
		}
	}
	return line
}

// checkLocal refuses a kustomization that names anything outside the local file system
// (a remote base: a Git URL or an HTTP address), which kustomize would fetch: imcsync
// reads pull requests' files and never the network, or anything outside within (when
// set): the repository of the file that named it. Local bases are checked in turn.
func checkLocal(dir, within string, nesting int, seen map[string]bool) *Error {
	kfile := kustomization(dir)
	if kfile == "" || seen[kfile] {
		return nil
	}
	seen[kfile] = true
	if nesting > 20 {
		return &Error{File: kfile, Message: "kustomization bases nest more than 20 deep"}
	}
	data, err := os.ReadFile(kfile)
	if err != nil {
		return &Error{File: kfile, Message: err.Error()}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		return nil // kustomize reports it
	}
	top := doc.Content[0]
	for _, key := range []string{"resources", "bases", "components"} {
		list := get(top, key)
		if list == nil || list.Kind != yaml.SequenceNode {
			continue
		}
		for _, item := range list.Content {
			ref := str(item)
			p := filepath.Join(dir, ref)
			fi, err := os.Stat(p)
			if ref == "" || filepath.IsAbs(ref) || err != nil {
				return &Error{File: kfile, Line: item.Line, Message: fmt.Sprintf("%s %s is not a local file or directory: imcsync builds kustomizations offline and never fetches remote bases; vendor it into the repository, or render it and pass the output with --workloads", key, strconvQuote(ref))}
			}
			if within != "" && !inside(within, p) {
				return &Error{File: kfile, Line: item.Line, Message: fmt.Sprintf("%s %s lies outside %s, the repository of the file that names this kustomization: imcsync reads that repository's manifests only", key, strconvQuote(ref), within)}
			}
			if fi.IsDir() {
				if e := checkLocal(p, within, nesting+1, seen); e != nil {
					return e
				}
			} else if fi.Size() > MaxFileSize {
				return &Error{File: kfile, Line: item.Line, Message: fmt.Sprintf("%s %s is larger than %d MiB, the most imcsync reads from one manifest file: split it", key, strconvQuote(ref), MaxFileSize>>20)}
			}
		}
	}
	if h := get(top, "helmCharts"); h != nil {
		return &Error{File: kfile, Line: h.Line, Message: "helmCharts needs helm and the network: render the charts first (helm template …) and pass the output with --workloads"}
	}
	return nil
}

func strconvQuote(s string) string { return fmt.Sprintf("%q", s) }

// originFS is the disk, except that the top kustomization asks for origin annotations
// (buildMetadata: [originAnnotations]), which say where each resource came from.
type originFS struct {
	filesys.FileSystem
	top string
}

// ReadFile reads a file, adding originAnnotations to the top kustomization's
// buildMetadata.
func (o originFS) ReadFile(path string) ([]byte, error) {
	data, err := o.FileSystem.ReadFile(path)
	if err != nil || !sameFile(path, o.top) {
		return data, err
	}
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return data, nil
	}
	top := doc.Content[0]
	bm := get(top, "buildMetadata")
	if bm == nil {
		bm = &yaml.Node{Kind: yaml.SequenceNode}
		top.Content = append(top.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "buildMetadata"}, bm)
	}
	if bm.Kind == yaml.SequenceNode {
		bm.Content = append(bm.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "originAnnotations"})
	}
	if out, err := yaml.Marshal(&doc); err == nil {
		return out, nil
	}
	return data, nil
}

func sameFile(a, b string) bool {
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == bb
}
