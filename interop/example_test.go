//go:build interop

package interop

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestExampleUnderDevServer runs the example program as
// `npx liveblocks dev -c "go run ./example"` would: with the dev server's
// LIVEBLOCKS_BASE_URL and LIVEBLOCKS_SECRET_KEY in its environment. It must
// create its demo rooms there, and the real client, logged in through the
// example's own login form, must enter them with the example's permissions.
func TestExampleUnderDevServer(t *testing.T) {
	if os.Getenv("LIVEBLOCKS_BASE_URL") == "" {
		t.Fatal("LIVEBLOCKS_BASE_URL is not set: run the suite with make interop, inside liveblocks dev -c")
	}

	bin := filepath.Join(t.TempDir(), "example")
	build := exec.Command("go", "build", "-o", bin, "../example")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ../example: %v\n%s", err, out)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-addr", "127.0.0.1:0")
	cmd.Env = os.Environ() // the dev server's two variables included
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	// The example's log goes to a file, shown only if the test fails.
	logPath := filepath.Join(t.TempDir(), "example.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		logFile.Close()
		if t.Failed() {
			log, _ := os.ReadFile(logPath)
			t.Logf("the example's log:\n%s", log)
		}
	})

	// The example prints where it listens once its rooms exist.
	var base string
	var lines []string
	scanner := bufio.NewScanner(stdout)
	for base == "" && scanner.Scan() {
		line := scanner.Text()
		lines = append(lines, line)
		if rest, ok := strings.CutPrefix(line, "liveauth example listening on "); ok {
			base = rest
		}
	}
	if base == "" {
		t.Fatalf("the example never said where it listens; it printed:\n%s", strings.Join(lines, "\n"))
	}
	go func() { // keep draining so the example never blocks on a full pipe
		for scanner.Scan() {
		}
	}()
	if startup := strings.Join(lines, "\n"); !strings.Contains(startup, os.Getenv("LIVEBLOCKS_BASE_URL")) {
		t.Errorf("start-up lines do not name the dev server %s:\n%s", os.Getenv("LIVEBLOCKS_BASE_URL"), startup)
	}

	ex := &app{endpoint: base + "/api/liveblocks-auth", baseURL: os.Getenv("LIVEBLOCKS_BASE_URL")}
	login := func(t *testing.T, user string) string {
		t.Helper()

		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := client.PostForm(base+"/login", url.Values{"user": {user}})
		if err != nil {
			t.Fatalf("login %s: %v", user, err)
		}
		resp.Body.Close()
		cookies := resp.Cookies()
		if resp.StatusCode != http.StatusSeeOther || len(cookies) != 1 {
			t.Fatalf("login %s: got %d with %d cookies, want 303 with one", user, resp.StatusCode, len(cookies))
		}
		return cookies[0].Name + "=" + cookies[0].Value
	}

	scenario(t, "the example under the dev server admits its demo users with the docs' permissions", func(t *testing.T) {
		alice := ex.runClient(t, clientSpec{Cookie: login(t, "alice"), Rooms: []string{"demo-room", "design-review"}})
		aliceInfo := alice.Rooms["demo-room"].Self
		if aliceInfo == nil {
			t.Fatalf("alice in demo-room: got %+v, want connected", alice.Rooms["demo-room"])
		}
		if aliceInfo.ID != "alice" || !aliceInfo.CanWrite || aliceInfo.Info["name"] == nil {
			t.Errorf("alice in demo-room: got %+v, want alice writing with her profile", aliceInfo)
		}
		if r := alice.Rooms["design-review"]; r.Status != "disconnected" || len(r.Errors) != 1 || r.Errors[0].Code == nil || *r.Errors[0].Code != 4001 {
			t.Errorf("alice in design-review: got %+v, want refused with 4001", r)
		}

		bob := ex.runClient(t, clientSpec{Cookie: login(t, "bob"), Rooms: []string{"demo-room", "design-review"}})
		if s := bob.Rooms["demo-room"].Self; s == nil || s.CanWrite {
			t.Errorf("bob in demo-room: got %+v, want read-only", bob.Rooms["demo-room"])
		}
		if s := bob.Rooms["design-review"].Self; s == nil || !s.CanWrite {
			t.Errorf("bob in design-review: got %+v, want writing", bob.Rooms["design-review"])
		}

		carol := ex.runClient(t, clientSpec{Cookie: login(t, "carol"), Rooms: []string{"demo-room"}})
		if s := carol.Rooms["demo-room"].Self; s == nil || !s.CanWrite {
			t.Errorf("carol in demo-room: got %+v, want writing (her user entry)", carol.Rooms["demo-room"])
		}
	})
}
