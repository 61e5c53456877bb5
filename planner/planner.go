package planner

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/imcsync/imcsync/cloud"
	"github.com/imcsync/imcsync/ownership"
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
}

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

func (o Options) keepRegion(region string) bool {
	return len(o.Regions) == 0 || slices.Contains(o.Regions, region)
}

func (o Options) keepName(region, name string) bool {
	return len(o.Targets) == 0 || slices.Contains(o.Targets, name) || slices.Contains(o.Targets, region+"/"+name)
}

// pair is a declared cache with the live cache it manages. Live is nil when the cache
// does not exist yet; Problem is set when pairing itself failed.
type pair struct {
	Desired *spec.Cache
	Live    *cloud.Cache
	Problem string
}

// selected returns what a plan under opts covers: the declared caches its region and
// target filters keep, and every live cache of the regions Regions returns. Live caches
// are not filtered by target here, so that a declaration's pinned id can still claim
// one of another name; Build drops the unpaired ones outside the targets.
func selected(f *spec.File, live []cloud.Cache, opts Options) (desired []*spec.Cache, lives []*cloud.Cache) {
	regions := Regions(f, opts)
	for i := range f.Caches {
		c := &f.Caches[i]
		if opts.keepRegion(c.Region) && opts.keepName(c.Region, c.Name) {
			desired = append(desired, c)
		}
	}
	for i := range live {
		if slices.Contains(regions, live[i].Region) {
			lives = append(lives, &live[i])
		}
	}
	return desired, lives
}

// Build plans f against the live caches of the regions Regions(f, opts) returns.
// Live caches of other regions are ignored.
func Build(f *spec.File, live []cloud.Cache, opts Options) *Plan {
	pairs, unmatched := match(selected(f, live, opts))
	p := &Plan{FormatVersion: FormatVersion, Owner: f.Owner, Changes: []Change{}, Prune: opts.Prune, Replace: opts.Replace}
	for _, pr := range pairs {
		p.Changes = append(p.Changes, diff(f, pr, opts))
	}
	for _, l := range unmatched {
		if !opts.keepName(l.Region, l.Name) {
			continue
		}
		if w := otherSource(f, l, opts.Source); w != "" {
			p.Warnings = append(p.Warnings, w)
		}
		if reason, ok := canDelete(f, l, opts.Prune); ok {
			p.Changes = append(p.Changes, Change{
				Region: l.Region, Name: l.Name, ID: l.ID, Action: Delete,
				Status: string(l.Status), Reason: reason, Fingerprint: Fingerprint(*l),
			})
		} else {
			p.Unmanaged = append(p.Unmanaged, Unmanaged{
				Region: l.Region, Name: l.Name, ID: l.ID, Status: string(l.Status),
				Owner: ownership.Of(f.Owner, l.Tags).Owner, Reason: reason,
			})
		}
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

// match pairs declared caches with live ones: a pinned id first, then (region, name)
// among the live caches no pin claimed. It returns the live caches left unpaired.
func match(desired []*spec.Cache, live []*cloud.Cache) ([]pair, []*cloud.Cache) {
	byID := map[string]*cloud.Cache{}
	byName := map[string][]*cloud.Cache{}
	for _, l := range live {
		byID[l.ID] = l
		byName[l.Region+"/"+l.Name] = append(byName[l.Region+"/"+l.Name], l)
	}
	claimed := map[string]bool{}
	pairs := make([]pair, len(desired))
	for i, d := range desired {
		pairs[i].Desired = d
		if d.ID == "" {
			continue
		}
		l, ok := byID[d.ID]
		switch {
		case !ok:
			pairs[i].Problem = fmt.Sprintf("pinned id %s does not exist in %s; remove `id:` to create the cache, or fix the id", d.ID, d.Region)
		case l.Region != d.Region:
			pairs[i].Problem = fmt.Sprintf("pinned id %s is in region %s, not %s", d.ID, l.Region, d.Region)
		default:
			pairs[i].Live = l
		}
		claimed[d.ID] = true
	}
	for i, d := range desired {
		if d.ID != "" {
			continue
		}
		var candidates []*cloud.Cache
		for _, l := range byName[d.Region+"/"+d.Name] {
			if !claimed[l.ID] {
				candidates = append(candidates, l)
			}
		}
		switch len(candidates) {
		case 0:
		case 1:
			pairs[i].Live = candidates[0]
		default:
			ids := make([]string, len(candidates))
			for j, l := range candidates {
				ids[j] = l.ID
			}
			pairs[i].Problem = fmt.Sprintf("%d live caches are named %q (%s); pin one with `id:`",
				len(candidates), d.Name, strings.Join(ids, ", "))
		}
		for _, l := range candidates {
			claimed[l.ID] = true
		}
	}
	var unmatched []*cloud.Cache
	for _, l := range live {
		if !claimed[l.ID] {
			unmatched = append(unmatched, l)
		}
	}
	return pairs, unmatched
}

// canDelete decides whether a live cache absent from the file is deleted. The reason
// explains the decision either way.
func canDelete(f *spec.File, l *cloud.Cache, prune bool) (reason string, ok bool) {
	c := ownership.Of(f.Owner, l.Tags)
	switch {
	case c.State == ownership.None:
		return "not declared in the file and not owned by imcsync", false
	case c.State == ownership.Other:
		return fmt.Sprintf("not declared in the file; owned by %q", c.Owner), false
	case c.State == ownership.OwnedProtected:
		return fmt.Sprintf("not declared in the file; tag %s=%q keeps it (only %q allows pruning)", spec.PruneTag, c.Prune, "true"), false
	case !prune:
		return fmt.Sprintf("not declared in the file; owned by %q, deleted only with --prune", c.Owner), false
	}
	return fmt.Sprintf("not declared in the file and owned by %q", c.Owner), true
}

// diff plans one pair.
func diff(f *spec.File, pr pair, opts Options) Change {
	d := pr.Desired
	ch := Change{Region: d.Region, Name: d.Name}
	if pr.Live != nil {
		ch.ID, ch.Status, ch.Fingerprint = pr.Live.ID, string(pr.Live.Status), Fingerprint(*pr.Live)
	}
	if pr.Problem != "" {
		ch.Action, ch.Reason = Blocked, pr.Problem
		return ch
	}
	if pr.Live == nil {
		ch = create(f, d, opts.Source)
	} else if opts.replaces(d.Region, d.Name) && replaceRefusal(f, pr) == "" {
		ch = replace(f, d, pr.Live, opts.Source)
	} else {
		ch = update(f, d, pr.Live, ch)
	}
	assignCalls(&ch)
	return ch
}

// replace plans deleting the live cache and creating the declared one afresh.
func replace(f *spec.File, d *spec.Cache, l *cloud.Cache, source string) Change {
	ch := create(f, d, source)
	ch.ID, ch.Status, ch.Fingerprint = l.ID, string(l.Status), Fingerprint(*l)
	if ch.Action == Blocked {
		ch.Reason = "cannot replace: " + ch.Reason
		return ch
	}
	ch.Action = Replace
	ch.Reason = fmt.Sprintf("--replace: %s is deleted, then created again from the file", l.ID)
	return ch
}

// replaceRefusal says why a paired cache may not be replaced: its ownership tag names
// another owner than the file's. "" means it may.
func replaceRefusal(f *spec.File, pr pair) string {
	if pr.Live == nil {
		return ""
	}
	if c := ownership.Of(f.Owner, pr.Live.Tags); c.CanManage() != nil {
		return fmt.Sprintf("--replace %s: the live cache %s is owned by %q (tag %s), not by this file; nothing was planned",
			pr.Desired.Name, pr.Live.ID, c.Owner, spec.OwnerTag)
	}
	return ""
}

// CheckReplace refuses opts.Replace names that the plan could not honour: a name that
// no cache declared (and kept by the region and target filters) has, a cache whose
// pairing is ambiguous, and a live cache owned by another file. Callers check it before
// Build and stop on an error: nothing may be half-replaced.
func CheckReplace(f *spec.File, live []cloud.Cache, opts Options) error {
	if len(opts.Replace) == 0 {
		return nil
	}
	pairs, _ := match(selected(f, live, opts))
	var errs []string
	for _, name := range opts.Replace {
		found := false
		for _, pr := range pairs {
			d := pr.Desired
			if name != d.Name && name != d.Region+"/"+d.Name {
				continue
			}
			found = true
			switch {
			case pr.Problem != "":
				errs = append(errs, fmt.Sprintf("--replace %s: %s", name, pr.Problem))
			case replaceRefusal(f, pr) != "":
				errs = append(errs, replaceRefusal(f, pr))
			}
		}
		if !found {
			errs = append(errs, fmt.Sprintf("--replace %s: the file declares no such cache (in the regions and targets planned); use NAME or REGION/NAME of a declared cache", name))
		}
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "\n"))
	}
	return nil
}

// create plans a cache that does not exist: every managed field is set.
func create(f *spec.File, d *spec.Cache, source string) Change {
	ch := Change{Region: d.Region, Name: d.Name, Action: Create}
	for _, fl := range fields {
		if v := fl.Declared(d); v != nil {
			ch.Fields = append(ch.Fields, FieldChange{Field: fl.Key, After: v, WriteOnly: !fl.ReadBack(), Send: true})
		}
	}
	reserved := reservedTags(f, nil, desiredRecord(d))
	if f.Owner != "" && source != "" && len(source) <= spec.MaxTagLength && len(reserved)+len(d.Tags) < spec.MaxTags {
		reserved[spec.SourceTag] = source
	}
	if len(d.Tags) > 0 {
		ch.Fields = append(ch.Fields, FieldChange{Field: tagsField, After: plainTags(d.Tags), Send: true})
	}
	ch.Bookkeeping = bookkeeping(nil, reserved)
	tags := len(reserved) + len(d.Tags)
	var missing []string
	if d.SecurityGroupID == nil {
		missing = append(missing, "securityGroupId")
	}
	if d.VSwitchID == nil {
		missing = append(missing, "vSwitchId")
	}
	switch {
	case len(missing) > 0:
		ch.Action = Blocked
		ch.Reason = fmt.Sprintf("creating a cache needs %s; set it on the cache or under defaults", strings.Join(missing, " and "))
	case tags > spec.MaxTags:
		ch.Action = Blocked
		ch.Reason = fmt.Sprintf("%d tags including imcsync's reserved ones; the API allows %d", tags, spec.MaxTags)
	}
	return ch
}

// update plans a declared cache that exists.
func update(f *spec.File, d *spec.Cache, l *cloud.Cache, ch Change) Change {
	if c := ownership.Of(f.Owner, l.Tags); c.CanManage() != nil {
		ch.Action = Blocked
		ch.Reason = fmt.Sprintf("the live cache is owned by %q (tag %s), not by this file; remove the cache from one of the files or retag it", c.Owner, spec.OwnerTag)
		return ch
	}
	ignored := ignoreSet(d.IgnoreChanges)
	if d.ID != "" && l.Name != d.Name {
		ch.Fields = append(ch.Fields, FieldChange{Field: "name", Before: l.Name, After: d.Name, Send: true})
	}
	for _, fl := range fields {
		if !fl.ReadBack() || ignored[fl.Key] {
			continue
		}
		if v := fl.Declared(d); v != nil {
			if live := fl.Live(l); !spec.Equal(live, v) {
				ch.Fields = append(ch.Fields, FieldChange{Field: fl.Key, Before: live, After: v, Send: true})
			}
		}
	}

	// Write-only and create-only fields are compared with the record. A cache without
	// one (adopted) gets the declared values recorded, and nothing sent for them.
	want := desiredRecord(d)
	have, hasRecord := parseRecord(l.Tags[spec.RecordTag])
	var createOnlyChanged, recordedOnly []string
	adopted := !hasRecord && len(want) > 0
	for _, fl := range recordedFields {
		v := fl.Declared(d)
		if v == nil || ignored[fl.Key] || (hasRecord && have.digestOf(fl) == want.digestOf(fl)) {
			continue
		}
		if adopted {
			recordedOnly = append(recordedOnly, fl.Key)
			continue
		}
		fc := FieldChange{Field: fl.Key, BeforeState: BeforeRecorded, After: v, WriteOnly: true, Send: fl.OnUpdate}
		if have.digestOf(fl) == "" {
			fc.BeforeState = BeforeUnknown
		} else if !fl.OnUpdate {
			createOnlyChanged = append(createOnlyChanged, fl.Key)
		}
		ch.Fields = append(ch.Fields, fc)
	}
	record := record{}
	if hasRecord {
		maps.Copy(record, have)
	}
	for _, fl := range recordedFields {
		if d := want.digestOf(fl); d != "" && !ignored[fl.Key] {
			record[fl.RecordKey] = d
		}
	}

	tagChange, reserved, tagCount := diffTags(f, d, l, record, ignored)
	if tagChange != nil {
		ch.Fields = append(ch.Fields, *tagChange)
	}
	ch.Bookkeeping = bookkeeping(l.Tags, reserved)
	for i := range ch.Bookkeeping {
		if ch.Bookkeeping[i].Tag == spec.RecordTag {
			ch.Bookkeeping[i].Recorded = recordedOnly
		}
	}

	if len(ch.Fields) == 0 && len(ch.Bookkeeping) == 0 {
		ch.Action = Noop
		if reason := unhealthy(d, l); reason != "" {
			ch.Action, ch.Reason = Blocked, reason
		}
		return ch
	}
	ch.Action = Update
	switch st := l.Status; {
	case len(createOnlyChanged) > 0:
		ch.Action = Blocked
		ch.Reason = fmt.Sprintf("%s can only be set when a cache is created; revert it, or delete the cache so that imcsync re-creates it", strings.Join(createOnlyChanged, ", "))
	case tagCount > spec.MaxTags:
		ch.Action = Blocked
		ch.Reason = fmt.Sprintf("%d tags including imcsync's reserved ones; the API allows %d", tagCount, spec.MaxTags)
	case st == cloud.Failed:
		ch.Action = Blocked
		ch.Reason = unhealthy(d, l)
	case !st.Updatable() && !ch.TagsOnly():
		// Busy (Preparing, Creating, Updating): apply waits for Ready, then updates.
		ch.WaitsFor = WaitsReady
	}
	return ch
}

// unhealthy explains why a cache whose fields equal the file is not converged: it is
// Failed or UpdateFailed. It names the status, the API's last event message and the
// remedy. "" for any other status.
func unhealthy(d *spec.Cache, l *cloud.Cache) string {
	var why string
	switch l.Status {
	case cloud.Failed:
		why = "status Failed: its creation failed and imcsync never updates a Failed cache"
	case cloud.UpdateFailed:
		why = "status UpdateFailed: its last update failed, and the file asks for nothing the cache does not already have"
	default:
		return ""
	}
	if msg := l.LastWarning(); msg != "" {
		why += fmt.Sprintf(" (last event: %s)", msg)
	}
	return why + fmt.Sprintf("; re-create it with `imcsync apply --replace %s`", d.Name)
}

// diffTags compares the tag set the cache should have with the live one. The field
// change covers the user tags: its After is the whole set of them (the declared ones, or
// the live ones when tags are not managed). The reserved tags the cache should carry are
// returned apart, for its bookkeeping; count is the size of the whole set.
func diffTags(f *spec.File, d *spec.Cache, l *cloud.Cache, rec record, ignored map[string]bool) (fc *FieldChange, reserved map[string]string, count int) {
	user, live := map[string]string{}, map[string]string{}
	declared := d.Tags != nil && !ignored[tagsField]
	for k, v := range l.Tags {
		if strings.HasPrefix(k, spec.ReservedTagPrefix) {
			continue
		}
		live[k] = v
		if SystemTag(k) || !declared || ignored["tags."+k] {
			user[k] = v
		}
	}
	if declared {
		for k, v := range d.Tags {
			if !ignored["tags."+k] {
				user[k] = v
			}
		}
	}
	reserved = reservedTags(f, l.Tags, rec)
	for k, v := range l.Tags {
		if _, ours := reserved[k]; !ours && strings.HasPrefix(k, spec.ReservedTagPrefix) {
			reserved[k] = v // e.g. imcsync:prune, set by hand: kept as it is
		}
	}
	count = len(user) + len(reserved)
	if maps.Equal(user, live) {
		return nil, reserved, count
	}
	return &FieldChange{Field: tagsField, Before: plainTags(live), After: plainTags(user), Send: true}, reserved, count
}

// bookkeeping lists the reserved tags whose value in want differs from live, sorted by
// tag. Reserved tags are never removed.
func bookkeeping(live, want map[string]string) []Bookkeeping {
	var out []Bookkeeping
	for _, k := range slices.Sorted(maps.Keys(want)) {
		after := want[k]
		before, had := live[k]
		if had && before == after {
			continue
		}
		b := Bookkeeping{Tag: k, After: &after}
		if had {
			b.Before = &before
		}
		out = append(out, b)
	}
	return out
}

// SystemTag reports whether a tag key belongs to Alibaba Cloud (`acs:`, `aliyun…`): users
// cannot set such tags, so the planner keeps them as they are and never compares them.
func SystemTag(key string) bool {
	k := strings.ToLower(key)
	return strings.HasPrefix(k, "acs:") || strings.HasPrefix(k, "aliyun")
}

// reservedTags are the bookkeeping tags a cache needs: the owner when the file sets one,
// the record when any recorded field is managed (or was recorded before).
func reservedTags(f *spec.File, live map[string]string, rec record) map[string]string {
	tags := map[string]string{}
	if f.Owner != "" {
		tags[spec.OwnerTag] = f.Owner
	}
	if len(rec) > 0 {
		tags[spec.RecordTag] = rec.format()
		if v, ok := live[spec.RecordTag]; ok && rec.sameAs(v) {
			tags[spec.RecordTag] = v // equal as a map: order and spelling are not a change
		}
	} else if v, ok := live[spec.RecordTag]; ok {
		tags[spec.RecordTag] = v
	}
	return tags
}

// plainTags is a tag set as a plain value (spec.Plain); no tags is an empty map.
func plainTags(tags map[string]string) map[string]any {
	out := make(map[string]any, len(tags))
	for k, v := range tags {
		out[k] = v
	}
	return out
}

// ignoreSet turns ignoreChanges into a lookup.
func ignoreSet(paths []string) map[string]bool {
	out := make(map[string]bool, len(paths))
	for _, p := range paths {
		out[p] = true
	}
	return out
}

// Fingerprint is a digest of a live cache's read-back content (not its status): apply
// refuses a saved plan's change when the live cache no longer has the same fingerprint.
func Fingerprint(l cloud.Cache) string {
	b, _ := json.Marshal(struct {
		ID, Name, Elimination, ResourceGroup string
		Size                                 int32
		Images                               any
		Tags                                 map[string]string
	}{l.ID, l.Name, l.EliminationStrategy, l.ResourceGroupID, l.Size, sortedSet(l.Images), l.Tags})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// sortedSet is a list of images sorted and without duplicates, nil when unset.
func sortedSet(images []string) []string {
	if images == nil {
		return nil
	}
	out := slices.Clone(images)
	slices.Sort(out)
	return slices.Compact(out)
}

// Summarize counts changes by action.
func Summarize(changes []Change) Summary {
	var s Summary
	for _, c := range changes {
		switch c.Action {
		case Create:
			s.Create++
		case Update:
			s.Update++
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

// Replan returns the change f wants for one freshly read live cache, and false when f
// declares no cache that this live cache would be paired with. It pairs by the rules of
// Build: an entry pinning the cache's id claims it before any entry matches by name, and
// an entry pinning another id never does. The applier calls it for a cache that was busy
// or changed since the plan was made.
func Replan(f *spec.File, live cloud.Cache) (Change, bool) {
	var desired []*spec.Cache
	for i := range f.Caches {
		if f.Caches[i].Region == live.Region {
			desired = append(desired, &f.Caches[i])
		}
	}
	pairs, _ := match(desired, []*cloud.Cache{&live})
	for _, pr := range pairs {
		if pr.Live == &live {
			return diff(f, pr, Options{}), true
		}
	}
	return Change{}, false
}
