package ecisim

import (
	"fmt"
	"net/http"
)

// apiError is an error answer of the API: an HTTP status and Alibaba's Code and Message.
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

func newError(status int, code, format string, args ...any) *apiError {
	return &apiError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// errMissing is the documented MissingParameter answer.
func errMissing(name string) *apiError {
	return newError(http.StatusBadRequest, "MissingParameter",
		"The input parameter %q that is mandatory for processing this request is not supplied.", name)
}

// errInvalid is the documented InvalidParameter answer, followed by the reason.
func errInvalid(name, reason string) *apiError {
	return newError(http.StatusBadRequest, "InvalidParameter",
		"The specified value of parameter %q is not valid. %s", name, reason)
}

func errIncompleteSignature(reason string) *apiError {
	return newError(http.StatusBadRequest, "IncompleteSignature",
		"The request signature does not conform to Aliyun standards. %s", reason)
}

func errNotFound(id string) *apiError {
	return newError(http.StatusNotFound, "InvalidImageCacheId.NotFound",
		"The specified image cache %q does not exist.", id)
}

var (
	errThrottled = newError(http.StatusBadRequest, "Throttling.User",
		"Request was denied due to user flow control.")
	// errAnswerLost is no answer: the call took effect and the connection is closed
	// (Rule.LostRate). Its code appears in the request log only, with status 0.
	errAnswerLost  = newError(0, "AnswerLost", "The call took effect; its answer was lost.")
	errUnavailable = newError(http.StatusServiceUnavailable, "ServiceUnavailable",
		"The request has failed due to a temporary failure of the server.")
	errNoNeedUpdate = newError(http.StatusBadRequest, "NoNeedUpdate",
		"There are no changes to be updated for current resource.")
	errIdempotentMismatch = newError(http.StatusBadRequest, "IdempotentParameterMismatch",
		"The request uses the same client token as a previous, but non-identical request.")
)
