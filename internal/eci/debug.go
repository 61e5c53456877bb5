package eci

import (
	"fmt"
	"os"
	"strings"
)

// sdkDebugSwitches are the DEBUG values (DEBUG is a comma-separated list) with which the
// SDK's libraries print what they send and receive, read once when the program starts
// (github.com/alibabacloud-go/debug): "tea" prints every request URL, with every
// parameter (registry passwords included), and every header (the STS security token
// included); "credential" (credentials-go) prints the credential services' answers,
// which hold access keys and tokens.
var sdkDebugSwitches = []string{"tea", "credential"}

// DebugError refuses to run with the SDK's debug output on: it would print secrets, and
// imcsync cannot filter what the SDK prints.
type DebugError struct {
	Value    string   // DEBUG's value
	Switches []string // the parts of it that turn the SDK's debug output on
}

func (e *DebugError) Error() string {
	return fmt.Sprintf("DEBUG=%s makes the Alibaba Cloud SDK print every request and credential answer, secrets included, and imcsync cannot filter what it prints: unset DEBUG, or remove %s from it",
		e.Value, strings.Join(e.Switches, " and "))
}

// checkDebug returns a *DebugError when debug, DEBUG's value, turns on a switch of
// sdkDebugSwitches. Parts are compared without case or spaces around them, which the
// SDK does not do: refusing a little more than it reads keeps every reading refused.
func checkDebug(debug string) error {
	var on []string
	for _, part := range strings.Split(debug, ",") {
		for _, sw := range sdkDebugSwitches {
			if strings.EqualFold(strings.TrimSpace(part), sw) {
				on = append(on, part)
			}
		}
	}
	if len(on) > 0 {
		return &DebugError{Value: debug, Switches: on}
	}
	return nil
}

// debugEnv is DEBUG's value; tests replace it.
var debugEnv = func() string { return os.Getenv("DEBUG") }
