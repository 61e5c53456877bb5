package spec

import "gopkg.in/yaml.v3"

// AliasBound measures a YAML document against the bound imagecaches.yaml is read under:
// it returns the values written, the values they stand for once aliases are expanded, and
// whether the expansion stays within the allowance (as many values again as written, at
// least 100,000). Other YAML readers of files from pull requests (workload manifests)
// use it, so that one bound holds for every file imcsync reads.
func AliasBound(doc *yaml.Node) (writtenValues, expandedValues int, ok bool) {
	w, e := written(doc), newSizer().expanded(doc)
	return w, e, e-w <= aliasAllowance(w)
}
