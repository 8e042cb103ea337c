package orders

import (
	"errors"
	"fmt"
)

// Error codes: what kind of failure an error is, so that callers can decide
// what to tell a user without parsing messages.
const (
	ENotFound = "not_found" // nothing matches what was asked
	EInvalid  = "invalid"   // the input is wrong; the message says where and what
	EConflict = "conflict"  // the input contradicts what is stored
	EInternal = "internal"  // anything else: logged, never shown as is
)

// Error is an error a user may see: Message is one clear sentence, Code tells
// the kind. Errors of other types are internal and only logged.
type Error struct {
	Code    string
	Message string
}

// Error returns the message, prefixed by the code for logs.
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EInternal for
// any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns what a user may be told about err: the message of an
// *Error, or a generic sentence for internal errors.
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Message
	}
	return "internal error"
}
