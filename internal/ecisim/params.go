package ecisim

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// params are a request's business parameters, flattened as on the wire (Image.1,
// Tag.1.Key, AcrRegistryInfo.1.Domain.1, ... as the SDKs flatten them).
type params map[string]string

func (p params) str(name string) *string {
	if v, ok := p[name]; ok {
		return &v
	}
	return nil
}

func (p params) int32(name string) (*int32, *apiError) {
	v, ok := p[name]
	if !ok {
		return nil, nil
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil {
		return nil, errInvalid(name, "It must be an integer.")
	}
	i := int32(n)
	return &i, nil
}

func (p params) bool(name string) (*bool, *apiError) {
	v, ok := p[name]
	if !ok {
		return nil, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil || (v != "true" && v != "false") {
		return nil, errInvalid(name, "It must be true or false.")
	}
	return &b, nil
}

// items groups the parameters PREFIX.N[.REST] by N in ascending order; each item maps
// REST ("" for a list of scalars) to the value. Nil when none was sent.
func (p params) items(prefix string, max int) ([]map[string]string, *apiError) {
	byN := map[int]map[string]string{}
	for k, v := range p {
		rest, ok := strings.CutPrefix(k, prefix+".")
		if !ok {
			continue
		}
		num, sub, _ := strings.Cut(rest, ".")
		n, err := strconv.Atoi(num)
		if err != nil || n < 1 || num != strconv.Itoa(n) {
			return nil, errInvalid(k, "The index must be a positive integer.")
		}
		if n > max {
			return nil, errInvalid(prefix, fmt.Sprintf("At most %d items are allowed.", max))
		}
		if byN[n] == nil {
			byN[n] = map[string]string{}
		}
		byN[n][sub] = v
	}
	if len(byN) == 0 {
		return nil, nil
	}
	ns := make([]int, 0, len(byN))
	for n := range byN {
		ns = append(ns, n)
	}
	sort.Ints(ns)
	out := make([]map[string]string, len(ns))
	for i, n := range ns {
		out[i] = byN[n]
	}
	return out, nil
}

// strings reads a list of scalars PREFIX.N.
func (p params) strings(prefix string, max int) ([]string, *apiError) {
	items, err := p.items(prefix, max)
	if err != nil || items == nil {
		return nil, err
	}
	out := make([]string, len(items))
	for i, it := range items {
		v, ok := it[""]
		if !ok || len(it) != 1 {
			return nil, errInvalid(prefix, "It must be a list of strings.")
		}
		if strings.TrimSpace(v) == "" {
			return nil, errInvalid(fmt.Sprintf("%s.%d", prefix, i+1), "It must not be empty.")
		}
		out[i] = v
	}
	return out, nil
}

// subList reads the nested list NAME.M inside one item (e.g. Domain.1, Domain.2).
func subList(item map[string]string, name string) []string {
	var idx []int
	vals := map[int]string{}
	for k, v := range item {
		if num, ok := strings.CutPrefix(k, name+"."); ok {
			if n, err := strconv.Atoi(num); err == nil && n >= 1 {
				idx = append(idx, n)
				vals[n] = v
			}
		}
	}
	sort.Ints(idx)
	var out []string
	for _, n := range idx {
		out = append(out, vals[n])
	}
	return out
}
