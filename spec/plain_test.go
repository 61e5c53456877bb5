package spec

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/imcsync/imcsync/internal/cloud"
)

// TestWire: Wire takes a value of the field's type as a plan file holds it and refuses
// any other kind, naming what it got.
func TestWire(t *testing.T) {
	for _, c := range []struct {
		t    Type
		v    any
		want string // "" accepted
	}{
		{TypeString, "x", ""},
		{TypeString, int64(1), "want a string, got a number"},
		{TypeInt32, int64(20), ""},
		{TypeInt32, int64(1) << 40, "want a 32-bit integer"},
		{TypeInt32, "20", "want a 32-bit integer, got a string"},
		{TypeBool, true, ""},
		{TypeBool, nil, "want true or false, got null"},
		{TypeStringSet, []any{"a", "b"}, ""},
		{TypeStringSet, []any{"a", int64(1)}, "[1]"},
		{TypeStringSet, map[string]any{}, "got an object"},
		{TypeTags, map[string]any{"team": "web"}, ""},
		{TypeTags, map[string]any{"team": true}, "team"},
		{TypeTags, []any{}, "got a list"},
		{TypeCredentials, []any{map[string]any{"server": "r", "userName": "u", "passwordFromEnv": "P"}}, ""},
		{TypeCredentials, []any{map[string]any{"server": "r", "userName": "u"}}, "passwordFromEnv is missing"},
		{TypeCredentials, []any{map[string]any{"server": "r", "userName": "u", "passwordFromEnv": "P", "password": "x"}}, "unknown key password"},
		{TypeCredentials, []any{"r"}, "[0]: want an object, got a string"},
		{TypeCredentials, "r", "want a list of objects"},
		{TypeAcrInfos, []any{map[string]any{"instanceId": "cri-1", "domains": []any{"a.example.com"}}}, ""},
		{TypeAcrInfos, []any{map[string]any{"instanceId": "cri-1", "domains": "a.example.com"}}, "domains"},
		{TypeAcrInfos, []any{map[string]any{"instanceId": int64(1)}}, "instanceId: want a string, got a number"},
		{Type("date"), "x", `no values of type "date"`},
	} {
		_, err := Field{Type: c.t}.Wire(c.v)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: Wire(%#v): %v", c.t, c.v, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: Wire(%#v) = %v, want %q", c.t, c.v, err, c.want)
		}
	}
}

// TestPlain: Plain converts the table's Go values and JSON's to plain values, and
// refuses numbers that are no integers and values no field has.
func TestPlain(t *testing.T) {
	for _, c := range []struct {
		in, want any
	}{
		{int32(7), int64(7)},
		{7, int64(7)},
		{float64(40), int64(40)},
		{json.Number("12"), int64(12)},
		{[]string{"a"}, []any{"a"}},
		{[]string(nil), nil},
		{map[string]string{"k": "v"}, map[string]any{"k": "v"}},
		{map[string]string(nil), nil},
		{[]RegistryCredential{{"r", "u", "P"}}, []any{map[string]any{"server": "r", "userName": "u", "passwordFromEnv": "P"}}},
		{[]AcrRegistryInfo{{InstanceID: "cri-1", InstanceName: "n", RegionID: "cn-hangzhou", Domains: []string{"d"}}},
			[]any{map[string]any{"instanceId": "cri-1", "instanceName": "n", "regionId": "cn-hangzhou", "domains": []any{"d"}}}},
		{[]any{float64(1), map[string]any{"n": json.Number("2")}}, []any{int64(1), map[string]any{"n": int64(2)}}},
	} {
		got, err := Plain(c.in)
		if err != nil || !Equal(got, c.want) {
			t.Errorf("Plain(%#v) = %#v, %v; want %#v", c.in, got, err, c.want)
		}
	}
	for _, bad := range []any{1.5, float64(1 << 60), json.Number("1.5"), []any{2.5}, map[string]any{"x": 0.5}, struct{}{}} {
		if got, err := Plain(bad); err == nil {
			t.Errorf("Plain(%#v) = %#v, want an error", bad, got)
		}
	}
}

// TestFieldAccessors: a read-back field reads the live cache's value, a write-only one
// is recorded; digests are short, stable, differ by value and leave secrets out.
func TestFieldAccessors(t *testing.T) {
	size, _ := FieldByKey("size")
	sg, _ := FieldByKey("securityGroupId")
	creds, _ := FieldByKey("imageRegistryCredentials")
	live := &cloud.Cache{Size: 40}
	if !size.ReadBack() || size.Live(live) != int64(40) || size.Recorded() {
		t.Errorf("size: ReadBack %v, Live %v, Recorded %v", size.ReadBack(), size.Live(live), size.Recorded())
	}
	if sg.ReadBack() || sg.Live(live) != nil || !sg.Recorded() {
		t.Errorf("securityGroupId: ReadBack %v, Live %v, Recorded %v", sg.ReadBack(), sg.Live(live), sg.Recorded())
	}
	a, b := &Cache{SecurityGroupID: ptr("sg-1")}, &Cache{SecurityGroupID: ptr("sg-2")}
	if d := sg.Digest(a); len(d) != 4 || d != sg.Digest(&Cache{SecurityGroupID: ptr("sg-1")}) || d == sg.Digest(b) {
		t.Errorf("digests of sg-1 %q and sg-2 %q", d, sg.Digest(b))
	}
	if sg.Digest(&Cache{}) != "" {
		t.Error("a field left out has a digest")
	}
	c := &Cache{ImageRegistryCredentials: []RegistryCredential{{"r.example.com", "u", "REGISTRY_PW"}}}
	t.Setenv("REGISTRY_PW", "hunter2")
	if creds.Digest(c) == "" || creds.Digest(c) != creds.Digest(&Cache{ImageRegistryCredentials: []RegistryCredential{{"r.example.com", "u", "REGISTRY_PW"}}}) {
		t.Error("a credential's digest depends on more than the file")
	}
	if got, ok := DigestOfHex("0a0b0c"); !ok || len(got) != 4 {
		t.Errorf("DigestOfHex(0a0b0c) = %q, %v", got, ok)
	}
	for _, bad := range []string{"0a0b", "zzzzzz", "0a0b0c0d"} {
		if _, ok := DigestOfHex(bad); ok {
			t.Errorf("DigestOfHex(%q) accepted", bad)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// TestWireValues: Wire gives each type the Go value of its API parameter: an int32, a
// list of strings, tags sorted by key, credentials naming their variable.
func TestWireValues(t *testing.T) {
	for _, c := range []struct {
		t    Type
		v    any
		want any
	}{
		{TypeInt32, int64(20), int32(20)},
		{TypeStringSet, []any{"a", "b"}, []string{"a", "b"}},
		{TypeTags, map[string]any{"z": "1", "a": ""}, []cloud.Tag{{Key: "a", Value: ""}, {Key: "z", Value: "1"}}},
		{TypeCredentials, []any{map[string]any{"server": "r", "userName": "u", "passwordFromEnv": "P"}},
			[]cloud.RegistryCredential{{Server: "r", UserName: "u", PasswordFromEnv: "P"}}},
		{TypeAcrInfos, []any{map[string]any{"instanceId": "cri-1", "domains": []any{"a.example.com"}}},
			[]cloud.AcrRegistryInfo{{InstanceID: "cri-1", Domains: []string{"a.example.com"}}}},
	} {
		got, err := Field{Type: c.t}.Wire(c.v)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: Wire(%#v) = %#v, %v; want %#v", c.t, c.v, got, err, c.want)
		}
	}
}
