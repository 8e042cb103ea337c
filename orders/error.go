package orders

import (
	"errors"
	"fmt"
	"strings"
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

// Error returns the message: the sentence a user may read.
func (e *Error) Error() string { return e.Message }

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

// InputProblem is one thing wrong in an input, where it is.
type InputProblem struct {
	Line int    // the file's line (or sheet row), for ordering
	Text string // one sentence: `FILE:LINE: column "X": "v" is not a number`
}

// InputErrors is every problem found in an input (up to a limit; More
// counts the ones left out). Nothing of such an input is applied.
type InputErrors struct {
	Problems []InputProblem
	More     int
}

// Error returns the problems, one a line, in the input's order.
func (e *InputErrors) Error() string {
	lines := make([]string, 0, len(e.Problems)+1)
	for _, p := range e.Problems {
		lines = append(lines, p.Text)
	}
	if e.More > 0 {
		lines = append(lines, fmt.Sprintf("and %d more problems", e.More))
	}
	return strings.Join(lines, "\n")
}
