package planner

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/imcsync/imcsync/spec"
)

// Request is what applying a change sends: the fields of its FieldChanges marked Send,
// typed. A nil field is not sent. It is decoded from the change itself, so a plan read
// back from a plan file yields the same Request as a fresh one.
type Request struct {
	Name                     *string                   `json:"name,omitempty"`
	Images                   []string                  `json:"images,omitempty"`
	Size                     *int32                    `json:"size,omitempty"`
	EliminationStrategy      *string                   `json:"eliminationStrategy,omitempty"`
	ResourceGroupID          *string                   `json:"resourceGroupId,omitempty"`
	Tags                     map[string]string         `json:"tags,omitempty"`
	SecurityGroupID          *string                   `json:"securityGroupId,omitempty"`
	VSwitchID                *string                   `json:"vSwitchId,omitempty"`
	EipInstanceID            *string                   `json:"eipInstanceId,omitempty"`
	RetentionDays            *int32                    `json:"retentionDays,omitempty"`
	AutoMatchImageCache      *bool                     `json:"autoMatchImageCache,omitempty"`
	Flash                    *bool                     `json:"flash,omitempty"`
	StandardCopyCount        *int32                    `json:"standardCopyCount,omitempty"`
	FlashCopyCount           *int32                    `json:"flashCopyCount,omitempty"`
	ImageRegistryCredentials []spec.RegistryCredential `json:"imageRegistryCredentials,omitempty"`
	AcrRegistryInfos         []spec.AcrRegistryInfo    `json:"acrRegistryInfos,omitempty"`
	ZoneID                   *string                   `json:"zoneId,omitempty"`
	Annotations              *string                   `json:"annotations,omitempty"`
	InsecureRegistry         *string                   `json:"insecureRegistry,omitempty"`
	PlainHTTPRegistry        *string                   `json:"plainHttpRegistry,omitempty"`
	OsType                   *string                   `json:"osType,omitempty"`
}

// Request returns what applying the change sends. For a create (and the create of a
// replace), Name is the cache's name. It fails for a field this build does not know (a plan file from a newer build).
func (c Change) Request() (Request, error) {
	send := map[string]any{}
	for _, f := range c.Fields {
		if f.Send {
			send[f.Field] = f.After
		}
	}
	if c.Action == Create || c.Action == Replace {
		send["name"] = c.Name
	}
	b, err := json.Marshal(send)
	if err != nil {
		return Request{}, fmt.Errorf("%s/%s: %w", c.Region, c.Name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var r Request
	if err := dec.Decode(&r); err != nil {
		return Request{}, fmt.Errorf("%s/%s: reading the plan's fields: %w", c.Region, c.Name, err)
	}
	return r, nil
}
