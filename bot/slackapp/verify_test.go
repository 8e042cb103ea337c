package slackapp

import (
	"net/http"
	"testing"
	"time"
)

// Slack's example, from "Verifying requests from Slack".
const (
	exampleSecret    = "8f742231b10e8888abcd99yyyzzz85a5"
	exampleTimestamp = "1531420618"
	exampleBody      = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	exampleSignature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
)

func TestVerifySlacksExample(t *testing.T) {
	at := func(secs int64) func() time.Time { return func() time.Time { return time.Unix(secs, 0) } }
	header := func(sig, ts string) http.Header {
		h := http.Header{}
		if sig != "" {
			h.Set("X-Slack-Signature", sig)
		}
		if ts != "" {
			h.Set("X-Slack-Request-Timestamp", ts)
		}
		return h
	}
	cases := []struct {
		name   string
		now    int64
		secret string
		h      http.Header
		body   string
		want   error
	}{
		{"Slack's example", 1531420618 + 30, exampleSecret, header(exampleSignature, exampleTimestamp), exampleBody, nil},
		{"four minutes early", 1531420618 - 240, exampleSecret, header(exampleSignature, exampleTimestamp), exampleBody, nil},
		{"six minutes late", 1531420618 + 360, exampleSecret, header(exampleSignature, exampleTimestamp), exampleBody, errStale},
		{"six minutes early", 1531420618 - 360, exampleSecret, header(exampleSignature, exampleTimestamp), exampleBody, errStale},
		{"other secret", 1531420618, "another secret", header(exampleSignature, exampleTimestamp), exampleBody, errBadSignature},
		{"body changed", 1531420618, exampleSecret, header(exampleSignature, exampleTimestamp), exampleBody + "&x=1", errBadSignature},
		{"timestamp changed", 1531420619, exampleSecret, header(exampleSignature, "1531420619"), exampleBody, errBadSignature},
		{"no v0 prefix", 1531420618, exampleSecret, header(exampleSignature[3:], exampleTimestamp), exampleBody, errBadSignature},
		{"not hex", 1531420618, exampleSecret, header("v0=zz", exampleTimestamp), exampleBody, errBadSignature},
		{"no signature", 1531420618, exampleSecret, header("", exampleTimestamp), exampleBody, errNoSignature},
		{"no timestamp", 1531420618, exampleSecret, header(exampleSignature, ""), exampleBody, errNoSignature},
		{"timestamp not a number", 1531420618, exampleSecret, header(exampleSignature, "yesterday"), exampleBody, errBadTimestamp},
	}
	for _, c := range cases {
		err := NewVerifier(c.secret, at(c.now)).Verify(c.h, []byte(c.body))
		if err != c.want {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
}
