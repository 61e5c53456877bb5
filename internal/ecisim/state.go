package ecisim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/imcsync/imcsync/internal/duration"
	"github.com/imcsync/imcsync/spec"
)

// State is the emulator's whole world: settings and caches. It is what a state file
// holds (YAML, or JSON, which is also YAML); keys are lowerCamelCase like imagecaches.yaml.
type State struct {
	Settings Settings `yaml:"settings,omitempty" json:"settings,omitzero"`
	Caches   []Cache  `yaml:"caches" json:"caches"`
}

// Settings are the emulator's tunables.
type Settings struct {
	// Transition is the length of each lifecycle phase (Preparing, Creating, Updating).
	// Zero means DefaultTransition.
	Transition Duration `yaml:"transition,omitempty" json:"transition,omitempty"`
	// Faults are the injected failures.
	Faults Faults `yaml:"faults,omitempty" json:"faults,omitzero"`
	// Quota is the account's flow control by action name: calls per second (e.g.
	// UpdateImageCache: 40), beyond a bucket of one second's worth, or calls per window
	// (e.g. CreateImageCache: 200/60s). Calls beyond it are answered Throttling.User.
	// An action without an entry is not limited.
	Quota map[string]Quota `yaml:"quota,omitempty" json:"quota,omitempty"`
	// UpdateTags is how UpdateImageCache treats Tag.N: UpdateTagsReplace (empty means
	// the same) or UpdateTagsMerge.
	UpdateTags string `yaml:"updateTags,omitempty" json:"updateTags,omitempty"`
}

// DefaultTransition is the default length of each lifecycle phase: long enough to be seen,
// short enough that a create is Ready within a few seconds.
const DefaultTransition = time.Second

// Faults are the failures the emulator injects. Rule applies to every action that has no
// entry of its own in Actions.
type Faults struct {
	Rule `yaml:",inline"`
	// Actions holds per-action rules (key: action name, e.g. UpdateImageCache); an entry
	// replaces Rule for that action.
	Actions map[string]Rule `yaml:"actions,omitempty" json:"actions,omitempty"`
	// FailCreateImage: a created cache with an image containing this text ends Failed.
	// Empty means "fail-create".
	FailCreateImage string `yaml:"failCreateImage,omitempty" json:"failCreateImage,omitempty"`
	// FailUpdateImage: an updated cache with an image containing this text ends
	// UpdateFailed. Empty means "fail-update".
	FailUpdateImage string `yaml:"failUpdateImage,omitempty" json:"failUpdateImage,omitempty"`
	// Errors inject error answers with any code and HTTP status per action. They are
	// decided after the FailFirst and ThrottleFirst counts, before the random rates.
	Errors []ErrorFault `yaml:"errors,omitempty" json:"errors,omitempty"`
}

// check refuses faults that could not be served.
func (f Faults) check() error {
	var errs []error
	for _, e := range f.Errors {
		errs = append(errs, e.check())
	}
	return errors.Join(errs...)
}

// Rule is the fault rule of one action. Calls are counted per action from server start
// (or the last SetFaults). Call n gets ServiceUnavailable if n <= FailFirst, else
// Throttling.User if n <= ThrottleFirst, else ServiceUnavailable with probability
// FailRate, else Throttling.User with probability ThrottleRate. Faulted calls have no
// effect.
type Rule struct {
	// Latency is added (in real time) before the action answers.
	Latency       Duration `yaml:"latency,omitempty" json:"latency,omitempty"`
	ThrottleRate  float64  `yaml:"throttleRate,omitempty" json:"throttleRate,omitempty"`
	ThrottleFirst int      `yaml:"throttleFirst,omitempty" json:"throttleFirst,omitempty"`
	FailRate      float64  `yaml:"failRate,omitempty" json:"failRate,omitempty"`
	FailFirst     int      `yaml:"failFirst,omitempty" json:"failFirst,omitempty"`
	// LostRate is the probability that a call that took effect gets no answer: the
	// connection is closed, as when a network drops the answer. The client cannot tell
	// whether it took effect; a retry with the same ClientToken gets the first answer.
	LostRate float64 `yaml:"lostRate,omitempty" json:"lostRate,omitempty"`
}

// Cache is one image cache in a state file. Status, statusSince and the write-only fields
// (which DescribeImageCaches never returns) are the emulator's own record.
type Cache struct {
	Region string `yaml:"region" json:"region"`
	// ID is generated (imc-...) when empty.
	ID   string `yaml:"id,omitempty" json:"id,omitempty"`
	Name string `yaml:"name" json:"name"`
	// Status defaults to Ready. A cache loaded in Preparing, Creating or Updating carries
	// on from StatusSince (default: load time) as if its operation had just reached it.
	Status      string    `yaml:"status,omitempty" json:"status,omitempty"`
	StatusSince time.Time `yaml:"statusSince,omitempty" json:"statusSince,omitzero"`
	// Size is ImageCacheSize in GiB; 0 means 20.
	Size                int32             `yaml:"size,omitempty" json:"size,omitempty"`
	Images              []string          `yaml:"images" json:"images"`
	Tags                map[string]string `yaml:"tags,omitempty" json:"tags,omitempty"`
	EliminationStrategy string            `yaml:"eliminationStrategy,omitempty" json:"eliminationStrategy,omitempty"`
	ResourceGroupID     string            `yaml:"resourceGroupId,omitempty" json:"resourceGroupId,omitempty"`
	// CreationTime defaults to the load time.
	CreationTime time.Time `yaml:"creationTime,omitempty" json:"creationTime,omitzero"`
	// LastMatchedTime is when a container group last used the cache (zero: never).
	LastMatchedTime time.Time `yaml:"lastMatchedTime,omitempty" json:"lastMatchedTime,omitzero"`
	// ExpireDateTime, when set, is when the cache expires and is dropped; zero means
	// CreationTime plus RetentionDays (or never, without RetentionDays).
	ExpireDateTime   time.Time `yaml:"expireDateTime,omitempty" json:"expireDateTime,omitzero"`
	ContainerGroupID string    `yaml:"containerGroupId,omitempty" json:"containerGroupId,omitempty"`
	SnapshotID       string    `yaml:"snapshotId,omitempty" json:"snapshotId,omitempty"`
	FlashSnapshotID  string    `yaml:"flashSnapshotId,omitempty" json:"flashSnapshotId,omitempty"`
	Events           []Event   `yaml:"events,omitempty" json:"events,omitempty"`

	// Write-only fields: stored, compared for NoNeedUpdate, never returned by Describe.
	SecurityGroupID          string            `yaml:"securityGroupId,omitempty" json:"securityGroupId,omitempty"`
	VSwitchID                string            `yaml:"vSwitchId,omitempty" json:"vSwitchId,omitempty"`
	ZoneID                   string            `yaml:"zoneId,omitempty" json:"zoneId,omitempty"`
	EipInstanceID            string            `yaml:"eipInstanceId,omitempty" json:"eipInstanceId,omitempty"`
	RetentionDays            int32             `yaml:"retentionDays,omitempty" json:"retentionDays,omitempty"`
	AutoMatchImageCache      bool              `yaml:"autoMatchImageCache,omitempty" json:"autoMatchImageCache,omitempty"`
	Flash                    bool              `yaml:"flash,omitempty" json:"flash,omitempty"`
	StandardCopyCount        int32             `yaml:"standardCopyCount,omitempty" json:"standardCopyCount,omitempty"`
	FlashCopyCount           int32             `yaml:"flashCopyCount,omitempty" json:"flashCopyCount,omitempty"`
	ImageRegistryCredentials []Credential      `yaml:"imageRegistryCredentials,omitempty" json:"imageRegistryCredentials,omitempty"`
	AcrRegistryInfos         []AcrRegistryInfo `yaml:"acrRegistryInfos,omitempty" json:"acrRegistryInfos,omitempty"`
	Annotations              string            `yaml:"annotations,omitempty" json:"annotations,omitempty"`
	InsecureRegistry         string            `yaml:"insecureRegistry,omitempty" json:"insecureRegistry,omitempty"`
	PlainHTTPRegistry        string            `yaml:"plainHttpRegistry,omitempty" json:"plainHttpRegistry,omitempty"`
	OsType                   string            `yaml:"osType,omitempty" json:"osType,omitempty"`

	// Digests is the emulator's own record of what the cache's snapshot holds: image
	// reference → the digest it pointed to when the cache was built (Config.Resolve).
	// Like the real API, Describe never returns it.
	Digests map[string]string `yaml:"digests,omitempty" json:"digests,omitempty"`
}

// Event is one entry of a cache's Events list.
type Event struct {
	Type           string    `yaml:"type" json:"type"` // Normal or Warning
	Reason         string    `yaml:"reason,omitempty" json:"reason,omitempty"`
	Name           string    `yaml:"name,omitempty" json:"name,omitempty"`
	Message        string    `yaml:"message" json:"message"`
	Count          int32     `yaml:"count,omitempty" json:"count,omitempty"`
	FirstTimestamp time.Time `yaml:"firstTimestamp,omitempty" json:"firstTimestamp,omitzero"`
	LastTimestamp  time.Time `yaml:"lastTimestamp,omitempty" json:"lastTimestamp,omitzero"`
}

// Credential is one ImageRegistryCredential. The password is kept only as its SHA-256
// (enough to tell whether an update changes it): a Password given in a state file is
// hashed on load, and saved state never holds a password.
type Credential struct {
	Server         string `yaml:"server" json:"server"`
	UserName       string `yaml:"userName,omitempty" json:"userName,omitempty"`
	Password       string `yaml:"password,omitempty" json:"password,omitempty"`
	PasswordSHA256 string `yaml:"passwordSha256,omitempty" json:"passwordSha256,omitempty"`
}

// AcrRegistryInfo is one AcrRegistryInfo (an ACR Enterprise Edition instance).
type AcrRegistryInfo struct {
	InstanceID   string   `yaml:"instanceId" json:"instanceId"`
	InstanceName string   `yaml:"instanceName,omitempty" json:"instanceName,omitempty"`
	RegionID     string   `yaml:"regionId,omitempty" json:"regionId,omitempty"`
	Domains      []string `yaml:"domains,omitempty" json:"domains,omitempty"`
	ArnService   string   `yaml:"arnService,omitempty" json:"arnService,omitempty"`
	ArnUser      string   `yaml:"arnUser,omitempty" json:"arnUser,omitempty"`
}

// The statuses DescribeImageCaches documents.
const (
	StatusPreparing    = "Preparing"
	StatusCreating     = "Creating"
	StatusReady        = "Ready"
	StatusFailed       = "Failed"
	StatusUpdating     = "Updating"
	StatusUpdateFailed = "UpdateFailed"
)

func knownStatus(s string) bool {
	switch s {
	case StatusPreparing, StatusCreating, StatusReady, StatusFailed, StatusUpdating, StatusUpdateFailed:
		return true
	}
	return false
}

// Duration is a time.Duration written as text ("1s", "250ms") in state files.
type Duration time.Duration

// MarshalText writes the duration like time.Duration.String.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// UnmarshalText reads a duration such as "1.5s" or "1d" (duration.Parse).
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := duration.Parse(string(b))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// LoadState reads a state file (YAML or JSON).
func LoadState(path string) (*State, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseState(path, data)
}

// ParseState decodes a state document (YAML or JSON). Unknown keys are errors. Plain
// passwords are replaced by their hash.
func ParseState(data []byte) (*State, error) { return parseState("", data) }

var yamlLineRe = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseState decodes the state document data read from file ("": none). Its errors
// are *StateError, each at its LINE:COL; every problem of the file is reported at once.
func parseState(file string, data []byte) (*State, error) {
	prefix := ""
	if file != "" {
		prefix = file + ": "
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line, msg := 1, strings.TrimPrefix(err.Error(), "yaml: ")
		if m := yamlLineRe.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = m[2]
		}
		if at := spec.ProblemLine(data, err.Error()); at > line {
			msg += fmt.Sprintf(" (yaml.v3 reports line %d, where the block that holds it starts)", line)
			line = at
		}
		return nil, &StateError{File: file, Line: line, Column: 1, Message: "invalid YAML: " + msg}
	}
	var probe struct {
		APIVersion  string `yaml:"apiVersion"`
		ImageCaches any    `yaml:"imageCaches"`
	}
	if doc.Decode(&probe) == nil && (probe.APIVersion != "" || probe.ImageCaches != nil) {
		return nil, errors.New(prefix + "this is an imagecaches.yaml, not an emulator state file (keys settings and caches, e.g. examples/live-state.yaml)")
	}
	c := &stateChecker{file: file}
	c.check(&doc, reflect.TypeFor[State](), "")
	if len(c.errs) > 0 {
		return nil, errors.Join(c.errs...)
	}
	st := &State{}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(st); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s%w", prefix, err)
	}
	var errs []error
	if err := st.Settings.Faults.check(); err != nil {
		errs = append(errs, fmt.Errorf("%ssettings.faults: %w", prefix, err))
	}
	if err := CheckUpdateTags(st.Settings.UpdateTags); err != nil {
		errs = append(errs, fmt.Errorf("%ssettings.updateTags: %w", prefix, err))
	}
	nodes := cacheNodes(&doc)
	for i := range st.Caches {
		c := &st.Caches[i]
		at := func(format string, args ...any) {
			e := &StateError{File: file, Line: 1, Column: 1, Path: fmt.Sprintf("caches[%d]", i), Message: fmt.Sprintf(format, args...)}
			if i < len(nodes) {
				e.Line, e.Column = nodes[i].Line, nodes[i].Column
			}
			errs = append(errs, e)
		}
		if c.Region == "" {
			at("region is required")
		}
		if c.Name == "" {
			at("name is required")
		}
		if c.Status != "" && !knownStatus(c.Status) {
			at("unknown status %q; known: %s, %s, %s, %s, %s, %s", c.Status, StatusPreparing, StatusCreating, StatusReady, StatusFailed, StatusUpdating, StatusUpdateFailed)
		}
		hashPasswords(c.ImageRegistryCredentials)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return st, nil
}

// cacheNodes are the nodes of the caches list's entries, for the positions of errors.
func cacheNodes(doc *yaml.Node) []*yaml.Node {
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil
	}
	top := doc.Content[0]
	for i := 0; i+1 < len(top.Content); i += 2 {
		if top.Content[i].Value == "caches" && top.Content[i+1].Kind == yaml.SequenceNode {
			return top.Content[i+1].Content
		}
	}
	return nil
}

func hashPasswords(creds []Credential) {
	for i := range creds {
		if creds[i].Password != "" {
			creds[i].PasswordSHA256 = sha256Hex([]byte(creds[i].Password))
			creds[i].Password = ""
		}
	}
}

// Save writes the state to path: JSON if the name ends in .json, YAML otherwise.
func (st *State) Save(path string) error {
	var data []byte
	var err error
	if strings.EqualFold(filepath.Ext(path), ".json") {
		data, err = json.MarshalIndent(st, "", "  ")
		data = append(data, '\n')
	} else {
		var buf bytes.Buffer
		enc := yaml.NewEncoder(&buf)
		enc.SetIndent(2)
		err = enc.Encode(st)
		data = buf.Bytes()
	}
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o600)
}
