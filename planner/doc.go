// Package planner turns what Git declares (spec.File) and what the cloud has
// (cloud.Cache) into a Plan. It is pure: no I/O, no clock, no SDK.
//
// Planning happens in two steps, as in gitops-engine: desired caches are first paired
// with live ones (by a pinned id, else by region and name: match.go), then each pair is
// diffed field by field through spec's one table of the API's fields (spec.CacheFields).
// The table says, per YAML key, how to read the declared and the live value, and whether
// the API reads the field back; tags, which also carry imcsync's reserved tags, are
// diffed on their own (tags.go).
//
// Fields the API never reads back ("write-only": security group, vSwitch, credentials…)
// cannot be compared with the cloud. The planner keeps a digest of what it last applied
// in the reserved tag spec.RecordTag and compares Git with that record instead: a field
// is sent only when its value in Git changed since the record. A cache with no record
// (adopted, not created by imcsync) gets one without the fields being sent.
//
// Redaction happens here, where changes are made: no secret ever enters a Plan, because
// the file only names the environment variable holding a registry password.
package planner
