package cognitotest

import (
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

func TestRecording(t *testing.T) {
	s := newTestServer(t, PoolConfig{PreTokenGeneration: func(TriggerEvent) error { return nil }})
	c := s.AddClient(AppClient{GenerateSecret: true})
	s.AddUser(User{Username: "alice", Email: "a@example.com"})
	if len(c.Secret) != 51 {
		t.Errorf("secret length %d", len(c.Secret))
	}
	in := input(c.ID, s.IssueRefreshToken(c.ID, "alice"))
	in.ClientSecret = &c.Secret
	in.ClientMetadata = map[string]string{"tf": "plan"}
	mustRefresh(t, s, in)
	in.ClientSecret = nil
	_, _ = refresh(t, s, in)

	recs := s.Requests()
	if len(recs) != 2 || s.RequestCount() != 2 {
		t.Fatalf("recorded %d / count %d", len(recs), s.RequestCount())
	}
	ok, bad := recs[0], recs[1]
	if ok.Target != targetGetTokens || ok.Header.Get("Content-Type") != jsonContentType ||
		ok.Input.ClientId != c.ID || ok.Input.ClientSecret != c.Secret || ok.Input.ClientMetadata["tf"] != "plan" ||
		ok.Status != 200 || ok.ErrorType != "" || !strings.Contains(string(ok.Body), `"ClientMetadata"`) || ok.At.IsZero() {
		t.Errorf("success record %+v", ok)
	}
	if bad.Status != 400 || bad.ErrorType != ErrNotAuthorized {
		t.Errorf("failure record %+v", bad)
	}
	if ev := s.TriggerEvents(); len(ev) != 1 || ev[0].ClientMetadata["tf"] != "plan" ||
		ev[0].TriggerSource != "TokenGeneration_RefreshTokens" || ev[0].UserAttributes["email"] != "a@example.com" {
		t.Errorf("trigger events %+v", ev)
	}
	if s.ConnectionsAccepted() < 1 {
		t.Error("no connection counted")
	}
	s.Reset()
	if len(s.Requests()) != 0 || s.RequestCount() != 0 || s.ConnectionsAccepted() != 0 || len(s.TriggerEvents()) != 0 {
		t.Error("Reset kept recordings")
	}
	mustRefresh(t, s, withSecret(input(c.ID, s.IssueRefreshToken(c.ID, "alice")), c.Secret))
}

func TestRecordingIsBounded(t *testing.T) {
	s := newTestServer(t, PoolConfig{MaxRecorded: 5})
	c := s.AddClient(AppClient{})
	for range 8 {
		_, _ = refresh(t, s, input(c.ID, "x"))
	}
	if len(s.Requests()) != 5 || s.RequestCount() != 8 {
		t.Errorf("kept %d of %d", len(s.Requests()), s.RequestCount())
	}
}

func TestConcurrentRequests(t *testing.T) {
	s := newTestServer(t, PoolConfig{})
	plain := s.AddClient(AppClient{})
	rot := s.AddClient(AppClient{Rotation: true})
	s.AddUser(User{Username: "alice", Groups: []string{"g"}})
	shared := s.IssueRefreshToken(plain.ID, "alice")
	once := s.IssueRefreshToken(rot.ID, "alice")
	s.InjectFault(Fault{ErrorType: ErrTooManyRequests, Times: 10})

	client := sdkClient(s, 1)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var okPlain, throttled, okRot, reused int
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok, id := shared, plain.ID
			if i%5 == 0 {
				tok, id = once, rot.ID
			}
			in := input(id, tok)
			_, err := client.GetTokensFromRefreshToken(t.Context(), &in)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil && id == rot.ID:
				okRot++
			case err == nil:
				okPlain++
			case isA[*types.TooManyRequestsException](err):
				throttled++
			case isA[*types.RefreshTokenReuseException](err):
				reused++
			default:
				t.Errorf("unexpected %v", err)
			}
		}()
	}
	wg.Wait()
	// With grace 0 exactly one concurrent use of a rotating token may win.
	if throttled != 10 || okRot != 1 || okPlain+okRot+reused+throttled != 100 || s.RequestCount() != 100 {
		t.Errorf("plain %d rot %d reused %d throttled %d count %d", okPlain, okRot, reused, throttled, s.RequestCount())
	}
}
