package orderapi_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/orderbot/orderbot/orders"
)

// specPath is the push API's description: the one file that documents it.
const specPath = "openapi.yaml"

// loadSpec reads and validates the OpenAPI description.
func loadSpec(tb testing.TB) *openapi3.T {
	tb.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(specPath)
	if err != nil {
		tb.Fatalf("%s does not load: %v", specPath, err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		tb.Fatalf("%s is not valid OpenAPI: %v", specPath, err)
	}
	return doc
}

// registerNDJSON teaches the validator NDJSON request bodies: each line is
// checked against the media type's schema (one order). The validator keeps
// its decoders in a table of its own; TestMain calls this once, before any
// test runs.
func registerNDJSON() {
	openapi3filter.RegisterBodyDecoder("application/x-ndjson",
		func(body io.Reader, _ http.Header, schema *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
			var first any
			sc := bufio.NewScanner(body)
			sc.Buffer(make([]byte, 64<<10), 64<<20)
			n := 0
			for line := 1; sc.Scan(); line++ {
				text := bytes.TrimSpace(sc.Bytes())
				if len(text) == 0 {
					continue
				}
				var v any
				if err := json.Unmarshal(text, &v); err != nil {
					return nil, fmt.Errorf("line %d: %w", line, err)
				}
				if err := schema.Value.VisitJSON(v); err != nil {
					return nil, fmt.Errorf("line %d: %w", line, err)
				}
				if n == 0 {
					first = v
				}
				n++
			}
			if err := sc.Err(); err != nil {
				return nil, err
			}
			if n == 0 {
				return nil, errors.New("no order in the body")
			}
			return first, nil
		})
}

// bearerPresent is the spec's view of authentication: an Authorization
// header in the bearer scheme (any case, RFC 9110) with a token. Whether the
// token is a configured one is the server's business.
func bearerPresent(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	scheme, token, _ := strings.Cut(in.RequestValidationInput.Request.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "bearer") || strings.TrimSpace(token) == "" {
		return errors.New("no bearer token")
	}
	return nil
}

// checked wraps h so that every request it serves and every response it
// gives are checked against the spec: a response must be documented (its
// status, content type, headers and body), and a request that the spec
// refuses must be refused by the server (4xx), so that the spec cannot
// promise limits the server does not keep. The server may refuse more than
// the spec can say (an unknown token, a number twice).
func checked(t *testing.T, doc *openapi3.T, h http.Handler) http.Handler {
	t.Helper()
	// The tests' server listens on a port of its own; routes are matched on
	// their paths.
	doc.Servers = nil
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatalf("routing %s: %v", specPath, err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("reading the request: %v", err)
		}
		call := r.Method + " " + clipped(r.URL.String())
		route, params, err := router.FindRoute(r)
		if err != nil {
			t.Errorf("%s is not in %s: %v", call, specPath, err)
			return
		}
		opts := &openapi3filter.Options{AuthenticationFunc: bearerPresent, MultiError: true, IncludeResponseStatus: true}
		opts.WithCustomSchemaErrorFunc(func(err *openapi3.SchemaError) string {
			return "/" + strings.Join(err.JSONPointer(), "/") + ": " + err.Reason
		})
		in := &openapi3filter.RequestValidationInput{Request: r.Clone(r.Context()), PathParams: params, Route: route, Options: opts}
		in.Request.Body = io.NopCloser(bytes.NewReader(body))
		reqErr := openapi3filter.ValidateRequest(r.Context(), in)

		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)

		if reqErr != nil && rec.Code < 400 {
			t.Errorf("%s: the spec refuses the request, the server answered %d: %s", call, rec.Code, clipped(reqErr.Error()))
		}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: rec.Header(), Options: opts}
		out.SetBodyBytes(rec.Body.Bytes())
		if err := openapi3filter.ValidateResponse(r.Context(), out); err != nil {
			t.Errorf("%s: the response %d does not match the spec: %s\n%s", call, rec.Code, clipped(err.Error()), clipped(rec.Body.String()))
		}
		if resp := route.Operation.Responses.Status(rec.Code); resp != nil && len(resp.Value.Content) == 0 && rec.Body.Len() > 0 {
			t.Errorf("%s: the response %d has a body the spec does not describe", call, rec.Code)
		}

		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

// clipped keeps messages about megabyte-long values readable.
func clipped(s string) string {
	if len(s) > 600 {
		return s[:600] + "…"
	}
	return s
}

func TestSpecIsValidOpenAPI(t *testing.T) {
	doc := loadSpec(t)
	// Every text an ERP sends has a bound: the database holds it, a message
	// quotes it.
	for _, name := range []string{"Order", "Block", "Line", "Credit"} {
		s := doc.Components.Schemas[name]
		if s == nil {
			t.Fatalf("no schema %s", name)
		}
		for prop, p := range s.Value.Properties {
			v := p.Value
			if v.Type.Is("string") && v.MaxLength == nil && len(v.Enum) == 0 && v.Format != "date" {
				t.Errorf("%s.%s is a string without maxLength, enum or date format", name, prop)
			}
		}
	}
	for schema, want := range map[string][]orders.Status{"Status": orders.Statuses(), "BlockKind": orders.BlockedStatuses()} {
		var got, codes []string
		for _, v := range doc.Components.Schemas[schema].Value.Enum {
			got = append(got, fmt.Sprint(v))
		}
		for _, s := range want {
			codes = append(codes, string(s))
		}
		if slices.Sort(got); !slices.Equal(got, slices.Sorted(slices.Values(codes))) {
			t.Errorf("the spec's %s is %v, orderbot's %v", schema, got, want)
		}
	}
	for _, path := range []string{"/api/v1/orders", "/api/v1/orders/{number}", "/api/v1/orders/{number}/lines", "/api/v1/customers/{code}/credit"} {
		item := doc.Paths.Value(path)
		if item == nil {
			t.Fatalf("%s is not documented", path)
		}
		for method, op := range item.Operations() {
			for _, status := range []int{400, 401, 503} {
				if op.Responses.Status(status) == nil {
					t.Errorf("%s %s: %d is not documented", method, path, status)
				}
			}
		}
	}
}
