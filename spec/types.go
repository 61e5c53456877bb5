// Package spec is the imagecaches.yaml model: strict decoding with FILE:LINE:COL errors,
// defaults, validation against the API's limits, and secret references. Its field table
// (Field, CacheFields) is the one list of the API's image-cache fields: the planner, the
// applier, the export and the JSON Schema's generator (schema, go generate) read it.
package spec

// APIVersion is the only apiVersion this build reads.
const APIVersion = "imcsync/v1"

// File is a decoded, defaulted and validated imagecaches.yaml.
type File struct {
	// Path is the file name used in error positions.
	Path string
	// APIVersion is always APIVersion once loaded.
	APIVersion string
	// Owner names this file's caches in the ownership tag; empty means no ownership tag.
	Owner string
	// Region is the default region of every cache.
	Region string
	// Caches are the declared caches with defaults merged and Region filled in,
	// in file order.
	Caches []Cache
	// Pricing is the storage price the file gives; nil when it gives none.
	Pricing *Pricing `json:",omitempty"`
	// Workloads are the Kubernetes manifests read for coverage, regions filled in.
	Workloads []WorkloadSource `json:",omitempty"`
	// Warnings are things that are valid but likely mistakes (an invisible character in
	// a tag, a credential variable named by passwordFromEnv), sorted by position.
	Warnings Errors `json:"warnings,omitempty"`
}

// Cache is one declared image cache, after `defaults` and the file's region are merged in.
// A nil pointer, nil slice or nil map is a field the file leaves out: the tool neither
// compares nor changes it.
type Cache struct {
	// Pos is where the cache's entry starts in the file.
	Pos Pos

	Name   string // identity together with Region
	ID     string // optional pin to a live ImageCacheId ("imc-…")
	Region string

	Images              []string          // Image.N; compared as a set
	Size                *int32            // ImageCacheSize, GiB
	EliminationStrategy *string           // "" (keep) or "LRU"
	ResourceGroupID     *string           // ResourceGroupId
	Tags                map[string]string // the whole set of user tags

	// Write-only: the API never reads these back.
	SecurityGroupID          *string
	VSwitchID                *string
	EipInstanceID            *string
	RetentionDays            *int32
	AutoMatchImageCache      *bool
	Flash                    *bool
	StandardCopyCount        *int32
	FlashCopyCount           *int32
	ImageRegistryCredentials []RegistryCredential
	AcrRegistryInfos         []AcrRegistryInfo

	// Create-only: CreateImageCache takes them, UpdateImageCache does not.
	ZoneID            *string
	Annotations       *string
	InsecureRegistry  *string
	PlainHTTPRegistry *string
	OsType            *string

	// Refresh is the cache's refresh policy for image tags that move: RefreshAuto (nil
	// means the same) or RefreshNever. Local: never sent to the API.
	Refresh *string

	// IgnoreChanges lists field paths the tool never changes on an existing cache,
	// e.g. "size" or "tags.team".
	IgnoreChanges []string
}

// RegistryCredential is one ImageRegistryCredential. The password is never in the file:
// PasswordFromEnv names the environment variable that holds it, read at apply time only.
type RegistryCredential struct {
	Server          string `json:"server"`
	UserName        string `json:"userName"`
	PasswordFromEnv string `json:"passwordFromEnv"`
}

// AcrRegistryInfo is one AcrRegistryInfo (an ACR Enterprise Edition instance).
type AcrRegistryInfo struct {
	InstanceID   string   `json:"instanceId"`
	InstanceName string   `json:"instanceName,omitempty"`
	RegionID     string   `json:"regionId,omitempty"`
	Domains      []string `json:"domains,omitempty"`
}

// Pos is a position in a file, 1-based.
type Pos struct {
	Line, Column int
}

// Reserved tags: the tool's own bookkeeping on live caches. Users may not set tags with
// this prefix; the planner adds and compares them, callers never do.
const (
	// ReservedTagPrefix starts every tag the tool owns.
	ReservedTagPrefix = "imcsync:"
	// OwnerTag holds the File.Owner that manages the cache (needed for --prune).
	OwnerTag = ReservedTagPrefix + "owner"
	// RecordTag holds a digest of the write-only fields last applied.
	RecordTag = ReservedTagPrefix + "applied"
	// PruneTag on a live cache keeps --prune from deleting it unless its value is
	// exactly "true" (fail closed: "false", "no", "" and anything else protect).
	PruneTag = ReservedTagPrefix + "prune"
	// SourceTag holds the repository-relative path of the file that created the cache,
	// written on create when the file sets owner (and the tag limit leaves room).
	SourceTag = ReservedTagPrefix + "file"
	// BuiltTag holds what the cache was built from: short digests of the images its tags
	// pointed to then (see planner's built record).
	BuiltTag = ReservedTagPrefix + "built"
	// ReplacesTag, on a cache built to replace another because image tags moved, holds
	// the id of the cache it replaces: while both exist, the plan knows which one is
	// the declared cache, and apply finishes the rebuild instead of starting another.
	ReplacesTag = ReservedTagPrefix + "replaces"
)

// The values of a cache's refresh field.
const (
	// RefreshAuto rebuilds the cache when an image tag it caches moved (the default).
	RefreshAuto = "auto"
	// RefreshNever keeps the cache as built, whatever its tags point to now.
	RefreshNever = "never"
)
