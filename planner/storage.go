package planner

import (
	"cmp"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/spec"
)

// DefaultSize is the ImageCacheSize the API gives a cache created without one (GiB).
const DefaultSize = 20

// Storage is what the caches of the planned regions hold, in GiB of snapshot storage,
// now and once the plan is applied. Caches cost storage for as long as they exist.
type Storage struct {
	Regions []RegionStorage `json:"regions"`
	// LiveGiB and PlannedGiB sum the regions; DeltaGiB is their difference.
	LiveGiB    int64 `json:"live_gib"`
	PlannedGiB int64 `json:"planned_gib"`
	DeltaGiB   int64 `json:"delta_gib"`
	// Price is the price the user gave (never a guess); nil without one.
	Price *Price `json:"price,omitempty"`
}

// RegionStorage is one region's cached GiB, now and once the plan is applied.
type RegionStorage struct {
	Region     string `json:"region"`
	LiveGiB    int64  `json:"live_gib"`
	PlannedGiB int64  `json:"planned_gib"`
	Caches     int    `json:"caches"`
}

// Price is a storage price the user gave (--price-per-gib-month or the file's
// pricing block), with what it makes of the storage.
type Price struct {
	// PerGiBMonth is the price of one GiB for a month, in Currency.
	PerGiBMonth float64 `json:"per_gib_month"`
	Currency    string  `json:"currency,omitempty"`
	// LiveMonthly and PlannedMonthly are the month's price of the live and the planned
	// storage.
	LiveMonthly    float64 `json:"live_monthly"`
	PlannedMonthly float64 `json:"planned_monthly"`
}

// StorageDelta is the GiB a change adds (positive) or frees (negative) once applied:
// a create adds its size, a delete frees the live size, an update or a replace adds
// the difference. A rebuild (Refreshes) holds both caches for a while; that passing
// double is not counted. Blocked and noop changes change nothing.
func (c Change) StorageDelta(l *cloud.Cache) int64 {
	var live int64
	if l != nil {
		live = int64(l.Size)
	}
	switch c.Action {
	case Create:
		return c.declaredSize(DefaultSize)
	case Delete:
		return -live
	case Replace:
		return c.declaredSize(DefaultSize) - live
	case Update:
		return c.declaredSize(live) - live
	}
	return 0
}

// declaredSize is the size the change sends, or def when it sends none.
func (c Change) declaredSize(def int64) int64 {
	for _, fc := range c.Fields {
		if fc.Field == "size" && fc.Send {
			if n, ok := fc.After.(int64); ok {
				return n
			}
			if n, ok := fc.After.(int32); ok {
				return int64(n)
			}
		}
	}
	return def
}

// StorageOf sums the live caches of the plan's regions and what they hold once p is
// applied. price (nil: none) is the user's price.
func StorageOf(p *Plan, live []cloud.Cache, regions []string, price *Price) Storage {
	byRegion := map[string]*RegionStorage{}
	for _, r := range regions {
		byRegion[r] = &RegionStorage{Region: r}
	}
	byID := map[string]*cloud.Cache{}
	for i := range live {
		l := &live[i]
		byID[l.ID] = l
		if rs, ok := byRegion[l.Region]; ok {
			rs.LiveGiB += int64(l.Size)
			rs.PlannedGiB += int64(l.Size)
			rs.Caches++
		}
	}
	for _, c := range p.Changes {
		rs, ok := byRegion[c.Region]
		if !ok {
			continue
		}
		rs.PlannedGiB += c.StorageDelta(byID[c.ID])
	}
	s := Storage{Regions: []RegionStorage{}}
	for _, r := range slices.Sorted(maps.Keys(byRegion)) {
		rs := *byRegion[r]
		s.Regions = append(s.Regions, rs)
		s.LiveGiB += rs.LiveGiB
		s.PlannedGiB += rs.PlannedGiB
	}
	s.DeltaGiB = s.PlannedGiB - s.LiveGiB
	if price != nil {
		pr := *price
		pr.LiveMonthly = cents(float64(s.LiveGiB) * pr.PerGiBMonth)
		pr.PlannedMonthly = cents(float64(s.PlannedGiB) * pr.PerGiBMonth)
		s.Price = &pr
	}
	return s
}

// cents rounds a price to two decimals.
func cents(v float64) float64 { return math.Round(v*100) / 100 }

// Idle is a live cache no pod has matched for a while: a report, never a change.
type Idle struct {
	Region string `json:"region"`
	Name   string `json:"name"`
	ID     string `json:"id"`
	Size   int32  `json:"size_gib"`
	// LastMatched is when a pod last used the cache; zero (absent) when none ever did,
	// and Since is then its creation time.
	LastMatched time.Time `json:"last_matched,omitzero"`
	Since       time.Time `json:"since"`
	// IdleSeconds is how long no pod has matched it, at the time of the report.
	IdleSeconds int64 `json:"idle_seconds"`
	// Declared says the file declares it (otherwise it is unmanaged).
	Declared bool `json:"declared"`
}

// Unused lists the live caches that no pod matched for at least d before now
// (LastMatchedTime, or CreationTime for a cache never matched), sorted by region and
// name. declared names the caches the file declares ("region/name"). d <= 0: none.
func Unused(live []cloud.Cache, now time.Time, d time.Duration, declared map[string]bool) []Idle {
	if d <= 0 {
		return nil
	}
	out := []Idle{}
	for _, l := range live {
		since := l.LastMatchedTime
		if since.IsZero() {
			since = l.CreationTime
		}
		if since.IsZero() || now.Sub(since) < d {
			continue
		}
		out = append(out, Idle{Region: l.Region, Name: l.Name, ID: l.ID, Size: l.Size, LastMatched: l.LastMatchedTime,
			Since: since, IdleSeconds: int64(now.Sub(since) / time.Second), Declared: declared[l.Region+"/"+l.Name]})
	}
	slices.SortFunc(out, func(a, b Idle) int {
		return cmp.Or(cmp.Compare(a.Region, b.Region), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// Expiring is a live cache whose ExpireDateTime comes within the report's window.
type Expiring struct {
	Region    string    `json:"region"`
	Name      string    `json:"name"`
	ID        string    `json:"id"`
	ExpiresAt time.Time `json:"expires_at"`
	// ExpiresInSeconds is the time left at the report's time; negative once expired.
	ExpiresInSeconds int64 `json:"expires_in_seconds"`
}

// ExpiringSoon lists the live caches that expire before now+within, sorted.
func ExpiringSoon(live []cloud.Cache, now time.Time, within time.Duration) []Expiring {
	out := []Expiring{}
	for _, l := range live {
		if exp := l.ExpireDateTime; !exp.IsZero() && exp.Before(now.Add(within)) {
			out = append(out, Expiring{Region: l.Region, Name: l.Name, ID: l.ID, ExpiresAt: exp, ExpiresInSeconds: int64(exp.Sub(now) / time.Second)})
		}
	}
	slices.SortFunc(out, func(a, b Expiring) int {
		return cmp.Or(cmp.Compare(a.Region, b.Region), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// DeclaredNames is the set of "region/name" of the file's caches.
func DeclaredNames(f *spec.File) map[string]bool {
	out := map[string]bool{}
	for _, c := range f.Caches {
		out[c.Region+"/"+c.Name] = true
	}
	return out
}
