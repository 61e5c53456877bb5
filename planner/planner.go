package planner

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/ownership"
	"github.com/imcsync/imcsync/spec"
)

// Options narrow what is planned.
type Options struct {
	// Regions keeps only these regions; empty means every region of the file.
	Regions []string
	// Targets keeps only caches named "name" or "region/name"; empty means all.
	Targets []string
	// Prune proposes deleting live caches that the file does not declare and whose
	// ownership tag names the file's owner.
	Prune bool
	// Replace names declared caches ("name" or "region/name") to delete and create
	// again (--replace); see CheckReplace.
	Replace []string
	// Source is the file's path relative to its repository, recorded in spec.SourceTag
	// on the caches the plan creates, and compared with that tag on undeclared caches.
	Source string
	// Digests maps image references with a tag to the digest they point to now
	// (package digests). A cache whose tags moved since it was built (spec.BuiltTag) is
	// rebuilt; a reference missing from the map is not known. Nil: tags are not
	// resolved (--refresh=off), and nothing is planned from them.
	Digests map[string]string
}

// replaces says whether Replace names the cache.
func (o Options) replaces(region, name string) bool {
	return slices.Contains(o.Replace, name) || slices.Contains(o.Replace, region+"/"+name)
}

// Regions returns the regions a plan of f covers under opts, sorted: the live caches of
// exactly these regions are what Build needs.
func Regions(f *spec.File, opts Options) []string {
	var out []string
	for _, c := range f.Caches {
		if opts.keepRegion(c.Region) {
			out = append(out, c.Region)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// keepRegion says whether the region filter (--region) keeps region.
func (o Options) keepRegion(region string) bool {
	return len(o.Regions) == 0 || slices.Contains(o.Regions, region)
}

// keepName says whether the target filter (--target NAME or REGION/NAME) keeps a cache.
func (o Options) keepName(region, name string) bool {
	return len(o.Targets) == 0 || slices.Contains(o.Targets, name) || slices.Contains(o.Targets, region+"/"+name)
}

// Build plans f against the live caches of the regions Regions(f, opts) returns.
// Live caches of other regions are ignored.
func Build(f *spec.File, live []cloud.Cache, opts Options) *Plan {
	desired, lives := selected(f, live, opts)
	pairs, unmatched := match(f.Owner, desired, lives)
	p := &Plan{FormatVersion: FormatVersion, Owner: f.Owner, Changes: []Change{}, Prune: opts.Prune, Replace: opts.Replace}
	for _, pr := range pairs {
		p.Changes = append(p.Changes, diff(f, pr, opts))
		for _, d := range pr.Duplicates {
			p.Changes = append(p.Changes, duplicate(f, pr.Live, d))
		}
	}
	for _, l := range unmatched {
		if !opts.keepName(l.Region, l.Name) {
			continue
		}
		if w := otherSource(f, l, opts.Source); w != "" {
			p.Warnings = append(p.Warnings, w)
		}
		if code, reason, ok := canDelete(f, l, opts.Prune); ok {
			p.Changes = append(p.Changes, Change{
				Region: l.Region, Name: l.Name, ID: l.ID, Action: Delete, Fields: deleted(l),
				Status: string(l.Status), ReasonCode: code, Reason: reason, Fingerprint: Fingerprint(*l),
			})
		} else {
			p.Unmanaged = append(p.Unmanaged, Unmanaged{
				Region: l.Region, Name: l.Name, ID: l.ID, Status: string(l.Status),
				Owner: ownership.Of(f.Owner, l.Tags).Owner, ReasonCode: code, Reason: reason,
			})
			if u := &p.Unmanaged[len(p.Unmanaged)-1]; u.AutoCreated() {
				u.Images = slices.Clone(l.Images)
				u.ReasonCode, u.Reason = ReasonAutoCreated, "created by ECI for a pod no cache served: declare it to keep it"
			}
		}
	}
	byID := map[string]*cloud.Cache{}
	for i := range live {
		byID[live[i].ID] = &live[i]
	}
	for i := range p.Changes {
		p.Changes[i].StorageGiB = p.Changes[i].StorageDelta(byID[p.Changes[i].ID])
	}
	slices.SortFunc(p.Changes, func(a, b Change) int {
		return cmp.Or(cmp.Compare(a.Region, b.Region), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	slices.SortFunc(p.Unmanaged, func(a, b Unmanaged) int {
		return cmp.Or(cmp.Compare(a.Region, b.Region), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	slices.Sort(p.Warnings)
	p.Summary = Summarize(p.Changes)
	return p
}

// duplicate plans the deletion of d, a second cache imcsync made of keep's name: once
// keep is Ready, and unless d's prune tag protects it; blocked otherwise, so that no run
// ends in success while two caches share a declared name.
func duplicate(f *spec.File, keep, d *cloud.Cache) Change {
	ch := Change{Region: d.Region, Name: d.Name, ID: d.ID, Status: string(d.Status), DuplicateOf: keep.ID, Fingerprint: Fingerprint(*d)}
	made := fmt.Sprintf("a second cache named %q that imcsync made (runs created it at once); %s is kept", d.Name, keep.ID)
	switch c := ownership.Of(f.Owner, d.Tags); {
	case c.State == ownership.OwnedProtected:
		ch.block(ReasonDuplicateProtected, made+fmt.Sprintf(", and tag %s=%q keeps this one: delete it by hand", spec.PruneTag, c.Prune))
	case keep.Status != cloud.Ready:
		ch.block(ReasonDuplicateWaits, made+fmt.Sprintf("; this one is deleted once %s is Ready: apply again then", keep.ID))
	default:
		ch.Action, ch.ReasonCode, ch.Reason, ch.Fields = Delete, ReasonDuplicate, made+"; this one is deleted", deleted(d)
	}
	return ch
}

// otherSource warns about an undeclared live cache that carries the file's owner but
// was created from another file: two files with one owner prune each other's caches.
func otherSource(f *spec.File, l *cloud.Cache, source string) string {
	from := l.Tags[spec.SourceTag]
	if !ownership.Of(f.Owner, l.Tags).Mine() || from == "" || source == "" || from == source {
		return ""
	}
	return fmt.Sprintf("%s/%s (%s) carries owner %q but was created from %s, not from %s: apply --prune deletes it; "+
		"if %s still declares it, give the two files different owners",
		l.Region, l.Name, l.ID, f.Owner, from, source, from)
}

// canDelete decides whether a live cache absent from the file is deleted. The code and
// reason explain the decision either way.
func canDelete(f *spec.File, l *cloud.Cache, prune bool) (code ReasonCode, reason string, ok bool) {
	c := ownership.Of(f.Owner, l.Tags)
	switch {
	case c.State == ownership.None:
		return ReasonNotOwned, "not declared in the file and not owned by imcsync", false
	case c.State == ownership.Other:
		return ReasonOwnedByOther, fmt.Sprintf("not declared in the file; owned by %q", c.Owner), false
	case c.State == ownership.OwnedProtected:
		return ReasonProtected, fmt.Sprintf("not declared in the file; tag %s=%q keeps it (only %q allows pruning)", spec.PruneTag, c.Prune, "true"), false
	case !prune:
		return ReasonPruneNotSet, fmt.Sprintf("not declared; --prune would delete it (owner %q)", c.Owner), false
	}
	return ReasonPrune, fmt.Sprintf("not declared; --prune deletes it (owner %q)", c.Owner), true
}

// deleted lists what a delete takes away, for people: each read-back field's live value
// and the user tags, as before → nil, none of them sent.
func deleted(l *cloud.Cache) []FieldChange {
	var out []FieldChange
	for _, fl := range fields {
		if !fl.ReadBack() {
			continue
		}
		if v := fl.Live(l); v != nil && v != "" {
			out = append(out, FieldChange{Field: fl.Key, Before: v})
		}
	}
	user := map[string]string{}
	for k, v := range l.Tags {
		if !strings.HasPrefix(k, spec.ReservedTagPrefix) {
			user[k] = v
		}
	}
	if len(user) > 0 {
		out = append(out, FieldChange{Field: tagsField, Before: plainTags(user)})
	}
	return out
}

// diff plans one pair.
func diff(f *spec.File, pr pair, opts Options) Change {
	d := pr.Desired
	ch := Change{Region: d.Region, Name: d.Name}
	if pr.Live != nil {
		ch.ID, ch.Status, ch.Fingerprint = pr.Live.ID, string(pr.Live.Status), Fingerprint(*pr.Live)
	}
	if pr.Problem != "" {
		ch.block(pr.ProblemCode, pr.Problem)
		return ch
	}
	moved, built := freshness(d, pr.Live, opts.Digests)
	switch {
	case pr.Live == nil:
		ch = create(f, d, opts.Source, built)
	case opts.replaces(d.Region, d.Name) && replaceRefusal(f, pr) == "":
		ch = replace(f, d, pr.Live, opts.Source, built)
	case len(moved) > 0:
		ch = refresh(f, d, pr.Live, update(f, d, pr.Live, ch, ""), moved, opts.Source, built)
	default:
		ch = update(f, d, pr.Live, ch, built)
	}
	assignCalls(&ch)
	return ch
}

// create plans a cache that does not exist: every managed field is set. built is its
// built tag ("" for none).
func create(f *spec.File, d *spec.Cache, source, built string) Change {
	ch := Change{Region: d.Region, Name: d.Name, Action: Create}
	for _, fl := range fields {
		if v := fl.Declared(d); v != nil {
			ch.Fields = append(ch.Fields, FieldChange{Field: fl.Key, After: v, WriteOnly: !fl.ReadBack(), Send: true})
		}
	}
	reserved := reservedTags(f, nil, desiredRecord(d))
	if built != "" && len(reserved)+len(d.Tags) < spec.MaxTags {
		reserved[spec.BuiltTag] = built
	}
	if f.Owner != "" && source != "" && len(source) <= spec.MaxTagLength && len(reserved)+len(d.Tags) < spec.MaxTags {
		reserved[spec.SourceTag] = source
	}
	if len(d.Tags) > 0 {
		ch.Fields = append(ch.Fields, FieldChange{Field: tagsField, After: plainTags(d.Tags), Send: true})
	}
	ch.Bookkeeping = bookkeeping(nil, reserved)
	tags := len(reserved) + len(d.Tags)
	var missing []string
	for _, fl := range fields {
		if fl.RequiredOnCreate && fl.Declared(d) == nil {
			missing = append(missing, fl.Key)
		}
	}
	switch {
	case len(missing) > 0:
		ch.block(ReasonMissingRequired, fmt.Sprintf("creating a cache needs %s; set it on the cache or under defaults", strings.Join(missing, " and ")))
	case tags > spec.MaxTags:
		ch.block(ReasonTooManyTags, tooManyTags(tags))
	}
	return ch
}

// update plans a declared cache that exists: its ownership first, then the differences
// of its read-back fields, of its record and of its tags, and last the action they make.
// built is the built tag it should carry, "" to leave it as it is.
func update(f *spec.File, d *spec.Cache, l *cloud.Cache, ch Change, built string) Change {
	if why := notManaged(f, l); why != "" {
		ch.block(ReasonOwnedByOther, why)
		return ch
	}
	ignored := ignoreSet(d.IgnoreChanges)
	ch.Fields = append(ch.Fields, readBackDiff(d, l, ignored)...)
	rec := recordDiff(d, l, ignored)
	ch.Fields = append(ch.Fields, rec.fields...)
	tagChange, bk, tagCount := tagsDiff(f, d, l, rec, ignored, built)
	if tagChange != nil {
		ch.Fields = append(ch.Fields, *tagChange)
	}
	ch.Bookkeeping = bk
	return updateAction(d, l, ch, rec.createOnly, tagCount)
}

// notManaged says why the file may not manage the live cache: its ownership tag names
// another owner. "" means it may.
func notManaged(f *spec.File, l *cloud.Cache) string {
	if c := ownership.Of(f.Owner, l.Tags); c.CanManage() != nil {
		return fmt.Sprintf("the live cache is owned by %q (tag %s), not by this file; remove the cache from one of the files or retag it", c.Owner, spec.OwnerTag)
	}
	return ""
}

// readBackDiff lists the fields the API reads back whose live value differs from the
// declared one (and the name, for a cache pinned by id), except those ignored.
func readBackDiff(d *spec.Cache, l *cloud.Cache, ignored map[string]bool) []FieldChange {
	var out []FieldChange
	if d.ID != "" && l.Name != d.Name {
		out = append(out, FieldChange{Field: "name", Before: l.Name, After: d.Name, Send: true})
	}
	for _, fl := range fields {
		if !fl.ReadBack() || ignored[fl.Key] {
			continue
		}
		if v := fl.Declared(d); v != nil {
			if live := fl.Live(l); !spec.Equal(live, v) {
				out = append(out, FieldChange{Field: fl.Key, Before: live, After: v, Send: true})
			}
		}
	}
	return out
}

// recorded is what comparing a cache's record with the file finds (recordDiff).
type recorded struct {
	fields     []FieldChange // the write-only and create-only fields that differ
	record     record        // the record the cache carries once updated
	createOnly []string      // the create-only fields that differ: the update is blocked
	unsent     []string      // the fields recorded without being sent (an adopted cache)
}

// recordDiff compares the write-only and create-only fields with the cache's record, as
// the API never reads them back. A cache without one (adopted) gets the declared values
// recorded, and nothing sent for them.
func recordDiff(d *spec.Cache, l *cloud.Cache, ignored map[string]bool) recorded {
	want := desiredRecord(d)
	have, hasRecord := parseRecord(l.Tags[spec.RecordTag])
	var out recorded
	adopted := !hasRecord && len(want) > 0
	for _, fl := range recordedFields {
		v := fl.Declared(d)
		if v == nil || ignored[fl.Key] || (hasRecord && have.digestOf(fl) == want.digestOf(fl)) {
			continue
		}
		if adopted {
			out.unsent = append(out.unsent, fl.Key)
			continue
		}
		fc := FieldChange{Field: fl.Key, BeforeState: BeforeRecorded, After: v, WriteOnly: true, Send: fl.OnUpdate}
		if have.digestOf(fl) == "" {
			fc.BeforeState = BeforeUnknown
		} else if !fl.OnUpdate {
			out.createOnly = append(out.createOnly, fl.Key)
		}
		out.fields = append(out.fields, fc)
	}
	out.record = record{}
	if hasRecord {
		maps.Copy(out.record, have)
	}
	for _, fl := range recordedFields {
		if d := want.digestOf(fl); d != "" && !ignored[fl.Key] {
			out.record[fl.RecordKey] = d
		}
	}
	return out
}

// tagsDiff is the change of the user tags (nil for none), the bookkeeping of the reserved
// ones, and how many tags the cache carries once updated: the reserved tags hold the
// record rec, and the built tag when built is set and the API's limit leaves room.
func tagsDiff(f *spec.File, d *spec.Cache, l *cloud.Cache, rec recorded, ignored map[string]bool, built string) (*FieldChange, []Bookkeeping, int) {
	tagChange, reserved, tagCount := diffTags(f, d, l, rec.record, ignored)
	if _, had := reserved[spec.BuiltTag]; built != "" && (had || tagCount < spec.MaxTags) {
		if !had {
			tagCount++
		}
		reserved[spec.BuiltTag] = built
	}
	bk := bookkeeping(l.Tags, reserved)
	for i := range bk {
		if bk[i].Tag == spec.RecordTag {
			bk[i].Recorded = rec.unsent
		}
	}
	return tagChange, bk, tagCount
}

// updateAction decides what ch, an update holding its differences, does: nothing
// (noop, or blocked if the cache is unhealthy), update (waiting for a busy cache to be
// Ready), or blocked by a create-only change, too many tags or a Failed cache.
func updateAction(d *spec.Cache, l *cloud.Cache, ch Change, createOnly []string, tagCount int) Change {
	if len(ch.Fields) == 0 && len(ch.Bookkeeping) == 0 {
		ch.Action = Noop
		if code, why := unhealthy(d, l); why != "" {
			ch.block(code, why)
		}
		return ch
	}
	ch.Action = Update
	switch st := l.Status; {
	case len(createOnly) > 0:
		ch.block(ReasonCreateOnly, fmt.Sprintf("%s can only be set when a cache is created; revert it, or delete the cache so that imcsync re-creates it", strings.Join(createOnly, ", ")))
	case tagCount > spec.MaxTags:
		ch.block(ReasonTooManyTags, tooManyTags(tagCount))
	case st == cloud.Failed:
		ch.block(unhealthy(d, l))
	case !st.Updatable() && !ch.TagsOnly():
		// Busy (Preparing, Creating, Updating): apply waits for Ready, then updates.
		ch.WaitsFor = WaitsReady
	}
	return ch
}

// tooManyTags says that n tags are more than the API allows.
func tooManyTags(n int) string {
	return fmt.Sprintf("%d tags including imcsync's reserved ones; the API allows %d", n, spec.MaxTags)
}

// unhealthy explains why a cache whose fields equal the file is not converged: it is
// Failed or UpdateFailed. It names the status, the API's last event message and the
// remedy. "" for any other status.
func unhealthy(d *spec.Cache, l *cloud.Cache) (ReasonCode, string) {
	var code ReasonCode
	var why string
	switch l.Status {
	case cloud.Failed:
		code, why = ReasonFailed, "status Failed: its creation failed and imcsync never updates a Failed cache"
	case cloud.UpdateFailed:
		code, why = ReasonUpdateFailed, "status UpdateFailed: its last update failed, and the file asks for nothing the cache does not already have"
	default:
		return "", ""
	}
	if msg := l.LastWarning(); msg != "" {
		why += fmt.Sprintf(" (last event: %s)", msg)
	}
	return code, why + fmt.Sprintf("; re-create it with `imcsync apply --replace %s`", d.Name)
}

// ignoreSet turns ignoreChanges into a lookup.
func ignoreSet(paths []string) map[string]bool {
	out := make(map[string]bool, len(paths))
	for _, p := range paths {
		out[p] = true
	}
	return out
}

// Fingerprint is a digest of a live cache's read-back content (not its status): the
// live value of every field of spec's table that the API reads back. Apply refuses a
// saved plan's change when the live cache no longer has the same fingerprint.
func Fingerprint(l cloud.Cache) string {
	content := map[string]any{}
	for _, f := range spec.CacheFields() {
		if f.ReadBack() {
			content[f.Key] = f.Live(&l)
		}
	}
	return fingerprintOf(content)
}

// fingerprintOf is the digest of a cache's read-back content, by field key.
func fingerprintOf(content map[string]any) string {
	b, err := json.Marshal(content)
	if err != nil {
		panic("planner: fingerprint of unencodable value: " + err.Error()) // plain values
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// Summarize counts changes by action.
func Summarize(changes []Change) Summary {
	var s Summary
	for _, c := range changes {
		switch c.Action {
		case Create:
			s.Create++
		case Update:
			if c.BookkeepingOnly() {
				s.Bookkeeping++
			} else {
				s.Update++
			}
		case Delete:
			s.Delete++
		case Replace:
			s.Replace++
		case Blocked:
			s.Blocked++
		case Noop:
			s.Noop++
		}
	}
	return s
}
