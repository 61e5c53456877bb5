package eci

import (
	"context"
	"errors"
	"strconv"
)

// Attempt is one request a Client sent (a retry is an attempt of its own), as
// Config.Observe sees it once its answer is in.
type Attempt struct {
	Action string // e.g. DescribeImageCaches
	Region string
	// Code is "OK" for a success, the API's error code for an error answer ("HTTP 503"
	// when the answer had none), and for a request that got no answer: "NetworkError",
	// "Timeout", "NoCredentials" or "Canceled".
	Code string
	// Throttled is true when the API refused the request for its rate (ErrThrottled).
	Throttled bool
}

// observe tells Config.Observe, if set, how a try went.
func (c *Client) observe(action, region string, err error) {
	if c.observer == nil {
		return
	}
	c.observer(Attempt{Action: action, Region: region, Code: AnswerCode(err), Throttled: errors.Is(err, ErrThrottled)})
}

// AnswerCode names the answer err stands for, in the words of Attempt.Code.
func AnswerCode(err error) string {
	var api *APIError
	var te *TransportError
	switch {
	case err == nil:
		return "OK"
	case errors.As(err, &api) && api.Code != "":
		return api.Code
	case errors.As(err, &api):
		return "HTTP " + strconv.Itoa(api.HTTPStatus)
	case errors.Is(err, ErrNoCredentials):
		return "NoCredentials"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "Canceled"
	case errors.As(err, &te) && te.Timeout():
		return "Timeout"
	default:
		return "NetworkError"
	}
}
