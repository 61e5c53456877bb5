// Package cloud holds what the ECI API says about live image caches, in plain Go types
// shared by the API client (eci), the planner and the applier. It imports no SDK.
package cloud

import "time"

// Status is an image cache's lifecycle status as DescribeImageCaches reports it.
type Status string

// The documented statuses.
const (
	Preparing    Status = "Preparing"
	Creating     Status = "Creating"
	Ready        Status = "Ready"
	Failed       Status = "Failed"
	Updating     Status = "Updating"
	UpdateFailed Status = "UpdateFailed"
)

// Updatable reports whether UpdateImageCache accepts a cache in this status.
func (s Status) Updatable() bool { return s == Ready || s == UpdateFailed }

// Settled reports whether the status is final until someone changes the cache.
func (s Status) Settled() bool { return s == Ready || s == UpdateFailed || s == Failed }

// Cache is one live image cache as read back from DescribeImageCaches.
// Write-only fields (security group, vSwitch, credentials, …) are never read back and so
// are absent here.
type Cache struct {
	Region              string            `json:"region"`
	ID                  string            `json:"id"`
	Name                string            `json:"name"`
	Status              Status            `json:"status"`
	Size                int32             `json:"size"`
	Images              []string          `json:"images"`
	EliminationStrategy string            `json:"eliminationStrategy,omitempty"`
	ResourceGroupID     string            `json:"resourceGroupId,omitempty"`
	Tags                map[string]string `json:"tags,omitempty"`
	Progress            string            `json:"progress,omitempty"`
	CreationTime        time.Time         `json:"creationTime,omitzero"`
	ExpireDateTime      time.Time         `json:"expireDateTime,omitzero"`
	LastMatchedTime     time.Time         `json:"lastMatchedTime,omitzero"`
	Events              []Event           `json:"events,omitempty"`
}

// Event is one entry of a cache's event list (for example why an update failed).
type Event struct {
	Type           string    `json:"type"`
	Reason         string    `json:"reason,omitempty"`
	Name           string    `json:"name,omitempty"`
	Message        string    `json:"message"`
	Count          int32     `json:"count,omitempty"`
	FirstTimestamp time.Time `json:"firstTimestamp,omitzero"`
	LastTimestamp  time.Time `json:"lastTimestamp,omitzero"`
}

// LastWarning returns the message of the most recent Warning event, or "".
func (c Cache) LastWarning() string {
	var msg string
	var at time.Time
	for _, e := range c.Events {
		if e.Type == "Warning" && !e.LastTimestamp.Before(at) {
			msg, at = e.Message, e.LastTimestamp
		}
	}
	return msg
}
