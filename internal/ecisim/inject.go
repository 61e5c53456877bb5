package ecisim

import (
	"fmt"
	"strconv"
	"strings"
)

// ErrorFault injects one error answer, with any code and HTTP status, into the calls of
// an action: the first First calls of the action get it, and each later one with
// probability Rate. Like every fault, an injected error has no effect.
type ErrorFault struct {
	// Action is the action it applies to, e.g. UpdateImageCache; "*" means every action.
	Action string `yaml:"action" json:"action"`
	// Code and Status are the answer's Code and HTTP status, e.g. OperationConflict, 400.
	Code   string `yaml:"code" json:"code"`
	Status int    `yaml:"status" json:"status"`
	// Rate is the probability (0-1) that a call gets the error.
	Rate float64 `yaml:"rate,omitempty" json:"rate,omitempty"`
	// First: the first First calls of the action (counted like Rule.FailFirst) get it.
	First int `yaml:"first,omitempty" json:"first,omitempty"`
	// Message replaces the code's documented message (see injectedMessages).
	Message string `yaml:"message,omitempty" json:"message,omitempty"`
}

// ParseErrorFault reads the ACTION=CODE:HTTP:RATE form of `imcsync sim --fault`, e.g.
// UpdateImageCache=OperationConflict:400:0.2. ACTION may be "*" (every action).
func ParseErrorFault(s string) (ErrorFault, error) {
	bad := func(why string) (ErrorFault, error) {
		return ErrorFault{}, fmt.Errorf("fault %q: %s; want ACTION=CODE:HTTP:RATE, e.g. UpdateImageCache=OperationConflict:400:0.2", s, why)
	}
	action, rest, ok := strings.Cut(s, "=")
	if !ok || action == "" {
		return bad("no action")
	}
	parts := strings.Split(rest, ":")
	if len(parts) != 3 || parts[0] == "" {
		return bad("the value must have three parts separated by colons")
	}
	status, err := strconv.Atoi(parts[1])
	if err != nil || status < 400 || status > 599 {
		return bad("HTTP must be an error status between 400 and 599")
	}
	rate, err := strconv.ParseFloat(parts[2], 64)
	if err != nil || rate < 0 || rate > 1 {
		return bad("RATE must be a probability between 0 and 1")
	}
	f := ErrorFault{Action: action, Code: parts[0], Status: status, Rate: rate}
	return f, f.check()
}

// check refuses a fault that could not be served.
func (f ErrorFault) check() error {
	switch {
	case f.Action != "*" && actions[f.Action].fn == nil:
		return fmt.Errorf("fault %s: unknown action %q", f.Code, f.Action)
	case f.Code == "":
		return fmt.Errorf("fault on %s: no code", f.Action)
	case f.Status < 400 || f.Status > 599:
		return fmt.Errorf("fault %s on %s: HTTP status %d is not an error status", f.Code, f.Action, f.Status)
	case f.Rate < 0 || f.Rate > 1:
		return fmt.Errorf("fault %s on %s: rate %g is not a probability", f.Code, f.Action, f.Rate)
	}
	return nil
}

// answer is the error the fault injects.
func (f ErrorFault) answer() *apiError {
	msg := f.Message
	if msg == "" {
		msg = injectedMessages[f.Code]
	}
	if msg == "" {
		msg = "Injected fault: " + f.Code + "."
	}
	return &apiError{Status: f.Status, Code: f.Code, Message: msg}
}

// injectedMessages are the messages of documented codes (the seed UpdateImageCache page
// and the common POP codes), used for an injected error without a Message.
var injectedMessages = map[string]string{
	"OperationConflict":          "Request was denied due to conflict with a previous request.",
	"QuotaExceeded":              "ImageCache quota exceeded.",
	"IncorrectStatus":            "The current status of the resource does not support this operation.",
	"ImageCache.IncorrectStatus": "The current status of the resource does not support this operation.",
	"NoNeedUpdate":               "There are no changes to be updated for current resource.",
	"Throttling":                 "Request was denied due to request throttling.",
	"Throttling.User":            "Request was denied due to user flow control.",
	"Throttling.Api":             "Request was denied due to api flow control.",
	"ServiceUnavailable":         "The request has failed due to a temporary failure of the server.",
	"InternalError":              "The request processing has failed due to some unknown error, exception or failure.",
	"NoPermission":               "You are not authorized to perform this operation.",
	"Forbidden.RAM":              "User not authorized to operate on the specified resource, or this API doesn't support RAM.",
	"Account.Arrearage":          "Your account has an outstanding payment.",
	"InvalidTimeStamp.Expired":   "Specified time stamp or date value is expired.",
}

// injected returns the first injected error that hits call n of action. Called with
// s.mu held.
func (s *Server) injected(action string, n int) *apiError {
	for _, f := range s.settings.Faults.Errors {
		if f.Action != action && f.Action != "*" {
			continue
		}
		if n <= f.First || (f.Rate > 0 && s.rnd.Float64() < f.Rate) {
			return f.answer()
		}
	}
	return nil
}
