// Package export writes an imagecaches.yaml that declares live image caches as they
// are, so that imcsync can adopt caches made elsewhere. It is pure: the caller lists the
// caches.
package export

import (
	"bytes"
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/ownership"
	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

// commentWidth is where comments wrap.
const commentWidth = 80

// YAML is an imagecaches.yaml declaring the live caches as they are. The first of
// regions is the file's region. Keys come in a fixed, readable order, and caches are
// sorted by (region, name).
func YAML(caches []cloud.Cache, regions []string) ([]byte, error) {
	caches = slices.Clone(caches)
	slices.SortFunc(caches, func(a, b cloud.Cache) int {
		return cmp.Or(cmp.Compare(a.Region, b.Region), cmp.Compare(a.Name, b.Name),
			a.CreationTime.Compare(b.CreationTime), cmp.Compare(a.ID, b.ID))
	})
	owner, ownerNote := fileOwner(caches)

	head := []string{
		"yaml-language-server: $schema=./imagecaches.schema.json",
		"",
		fmt.Sprintf("Written by `imcsync export` from the live image caches of %s.", strings.Join(regions, ", ")),
		"",
		fmt.Sprintf("Fields the API never reads back cannot be exported: the write-only %s, and the create-only %s. "+
			"Add them by hand (per cache or under defaults:) before this file can create caches: "+
			"creating a cache needs at least securityGroupId and vSwitchId. "+
			"Until then, plan and apply compare and update only the fields below.",
			strings.Join(spec.WriteOnlyFields(), ", "), strings.Join(fieldsManaged(spec.CreateOnly), ", ")),
	}
	if len(caches) == 0 {
		head = append(head, "", "No image caches were found.")
	}
	apiKey := yamlString("apiVersion")
	apiKey.HeadComment = comment(head...)
	top := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{apiKey, yamlString(spec.APIVersion)}}
	if owner != "" {
		k := yamlString("owner")
		k.HeadComment = ownerNote
		top.Content = append(top.Content, k, yamlString(owner))
	} else if ownerNote != "" {
		apiKey.HeadComment += "\n#\n" + ownerNote
	}
	top.Content = append(top.Content, yamlString("region"), yamlString(regions[0]))

	list := &yaml.Node{Kind: yaml.SequenceNode}
	for i := 0; i < len(caches); {
		j := i + 1
		for j < len(caches) && caches[j].Region == caches[i].Region && caches[j].Name == caches[i].Name {
			j++
		}
		item := cacheNode(caches[i], regions[0], j-i > 1)
		if j-i > 1 {
			item.HeadComment = duplicateNote(caches[i:j], owner)
		}
		list.Content = append(list.Content, item)
		i = j
	}
	if len(list.Content) == 0 {
		list.Style = yaml.FlowStyle // imageCaches: []
	}
	top.Content = append(top.Content, yamlString("imageCaches"), list)

	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{top}}); err != nil {
		return nil, fmt.Errorf("writing YAML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("writing YAML: %w", err)
	}
	return buf.Bytes(), nil
}

// cacheNode is one imageCaches entry: name, id (when pinned), region (when not the
// file's), then the fields of spec's table that export shows (spec.Field.Export), with
// their live values; empty ones and reserved or system tags are left out.
func cacheNode(c cloud.Cache, region string, pin bool) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	add := func(key string, v *yaml.Node) { n.Content = append(n.Content, yamlString(key), v) }
	add("name", yamlString(c.Name))
	if pin {
		add("id", yamlString(c.ID))
	}
	if c.Region != region {
		add("region", yamlString(c.Region))
	}
	for _, f := range spec.CacheFields() {
		if f.Export {
			if v := valueNode(f.Type, f.Live(&c)); v != nil {
				add(f.Key, v)
			}
		}
	}
	return n
}

// valueNode is a plain live value of type t as a YAML node, nil for a value that is
// not worth writing: "", 0, or no user tags.
func valueNode(t spec.Type, v any) *yaml.Node {
	switch x := v.(type) {
	case string:
		if x != "" {
			return yamlString(x)
		}
	case int64:
		if x != 0 {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: fmt.Sprint(x)}
		}
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: fmt.Sprint(x)}
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode}
		for _, e := range x {
			if s, ok := e.(string); ok {
				n.Content = append(n.Content, yamlString(s))
			}
		}
		return n
	case map[string]any:
		n := &yaml.Node{Kind: yaml.MappingNode}
		for _, k := range slices.Sorted(maps.Keys(x)) {
			s, ok := x[k].(string)
			if ok && (t != spec.TypeTags || (!strings.HasPrefix(k, spec.ReservedTagPrefix) && !planner.SystemTag(k))) {
				n.Content = append(n.Content, yamlString(k), yamlString(s))
			}
		}
		if len(n.Content) > 0 {
			return n
		}
	}
	return nil
}

// fileOwner is the file's owner: the ownership tag when the caches that have one all
// name the same owner. The note (a YAML comment) tells what that means for caches
// without the tag, or why there is no owner.
func fileOwner(caches []cloud.Cache) (owner, note string) {
	var owners, unowned []string
	for _, c := range caches {
		switch o := ownership.Of("", c.Tags).Owner; {
		case o == "":
			unowned = append(unowned, c.Region+"/"+c.Name)
		case !slices.Contains(owners, o):
			owners = append(owners, o)
		}
	}
	slices.Sort(owners)
	switch {
	case len(owners) == 1 && len(unowned) > 0:
		return owners[0], comment(fmt.Sprintf("Caches that have no %s tag yet: %s. Apply adds %s=%s to them, "+
			"and from then on apply --prune deletes any of them that is left out of this file.",
			spec.OwnerTag, strings.Join(unowned, ", "), spec.OwnerTag, owners[0]))
	case len(owners) == 1:
		return owners[0], ""
	case len(owners) > 1:
		return "", comment(fmt.Sprintf("The caches name different owners in their %s tag (%s), so owner: is left out: "+
			"plan reports the owned caches as blocked. Keep one file per owner (export each owner's caches and delete "+
			"the others' entries), then set owner: in each.", spec.OwnerTag, strings.Join(owners, ", ")))
	}
	return "", ""
}

// duplicateNote explains an entry pinned by id because several live caches share its
// region and name; the file can declare only one of them.
func duplicateNote(same []cloud.Cache, owner string) string {
	first := same[0]
	var others []string
	prune := false
	for _, c := range same[1:] {
		others = append(others, fmt.Sprintf("%s (%s)", c.ID, c.Status))
		prune = prune || ownership.Of(owner, c.Tags).CanPrune() == nil
	}
	text := fmt.Sprintf("%d live caches in %s are named %s. A file declares one cache per region and name, "+
		"so this entry is pinned by id to the oldest and the others are left out (unmanaged): %s. "+
		"To manage them all, rename them in the console and export again.",
		len(same), first.Region, first.Name, strings.Join(others, ", "))
	if prune {
		text += fmt.Sprintf(" Careful: a cache left out that has %s=%s is deleted by apply --prune.", spec.OwnerTag, owner)
	}
	return comment(text)
}

// fieldsManaged lists the YAML keys of the cache fields managed in the given way.
func fieldsManaged(m spec.Managed) []string {
	var keys []string
	for _, f := range spec.CacheFields() {
		if f.Managed == m {
			keys = append(keys, f.Key)
		}
	}
	return keys
}

// comment turns paragraphs into YAML comment lines wrapped at commentWidth; an
// empty paragraph is a line holding only "#".
func comment(paragraphs ...string) string {
	var lines []string
	for _, p := range paragraphs {
		if p == "" {
			lines = append(lines, "#")
			continue
		}
		line := "#"
		for _, w := range strings.Fields(p) {
			// Words are never split: flags, tags and names have hyphens.
			if len(line) > 1 && len(line)+1+len(w) > commentWidth {
				lines = append(lines, line)
				line = "#"
			}
			line += " " + w
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// yamlString is a YAML string node, quoted when it would otherwise read as another type.
func yamlString(s string) *yaml.Node {
	n := &yaml.Node{}
	_ = n.Encode(s) // encoding a string cannot fail
	return n
}
