// Package version tells which build of imcsync is running: the module version, the
// commit, the build date and the Go version.
//
// The values come from the build information the Go toolchain embeds
// (runtime/debug.ReadBuildInfo): `go install github.com/imcsync/imcsync@v1.2.3` records
// the module version, a build in a Git checkout records the commit and its date. Release
// builds set them explicitly, which wins over what the toolchain recorded:
//
//	go build -ldflags "-X github.com/imcsync/imcsync/internal/version.Version=v1.2.3 \
//	  -X github.com/imcsync/imcsync/internal/version.Commit=$(git rev-parse HEAD) \
//	  -X github.com/imcsync/imcsync/internal/version.Date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
package version

import (
	"runtime"
	"runtime/debug"
)

// Set by -ldflags "-X github.com/imcsync/imcsync/internal/version.NAME=VALUE"; empty means "ask
// the build information".
var (
	Version string // release version, e.g. v1.2.3
	Commit  string // full commit hash
	Date    string // build or commit date, RFC 3339
)

// Unknown stands for a value neither -ldflags nor the build information gives.
const Unknown = "unknown"

// Info describes the running build.
type Info struct {
	Version   string `json:"version"`            // module version, e.g. v1.2.3, or (devel)
	Commit    string `json:"commit"`             // commit hash, or unknown
	Modified  bool   `json:"modified,omitempty"` // built from a checkout with uncommitted changes
	Date      string `json:"date"`               // build or commit date, or unknown
	GoVersion string `json:"go_version"`         // Go toolchain, e.g. go1.26.8
	Platform  string `json:"platform"`           // GOOS/GOARCH
}

// Get returns the running build's Info.
func Get() Info {
	bi, _ := debug.ReadBuildInfo()
	return resolve(bi, Info{Version: Version, Commit: Commit, Date: Date})
}

// resolve fills Info from the values set by -ldflags (set) and, for the others, from
// the build information bi, which may be nil.
func resolve(bi *debug.BuildInfo, set Info) Info {
	info := Info{Version: "(devel)", Commit: Unknown, Date: Unknown,
		GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi != nil {
		if v := bi.Main.Version; v != "" {
			info.Version = v
		}
		if bi.GoVersion != "" {
			info.GoVersion = bi.GoVersion
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				info.Commit = s.Value
			case "vcs.time":
				info.Date = s.Value
			case "vcs.modified":
				info.Modified = s.Value == "true"
			}
		}
	}
	if set.Version != "" {
		info.Version = set.Version
	}
	if set.Commit != "" {
		info.Commit, info.Modified = set.Commit, false
	}
	if set.Date != "" {
		info.Date = set.Date
	}
	return info
}
