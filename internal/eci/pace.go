package eci

import (
	"errors"

	"github.com/imcsync/imcsync/internal/eci/pacing"
)

// report tells the pacer how the API answered a paced call: a throttling answer cuts
// the rate of its region and action, any other answer lets it grow back. A call that got
// no answer (network failure) says nothing about the API's flow control.
func report(permit pacing.Permit, err error) {
	var api *APIError
	switch {
	case errors.Is(err, ErrThrottled):
		permit.Throttled()
	case err == nil || errors.As(err, &api):
		permit.Succeeded()
	}
}
