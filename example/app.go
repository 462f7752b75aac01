package main

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"crypto/x509"
	"embed"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/gorilla/sessions"

	"github.com/liveauth/liveauth/liveblocks"
	"github.com/liveauth/liveauth/middleware"
	"github.com/liveauth/liveauth/token"
	"github.com/liveauth/liveauth/userresolver"
)

// authEndpoint is where the authentication endpoint is mounted: the
// authEndpoint option of the Liveblocks client.
const authEndpoint = "/api/liveblocks-auth"

// sessionName is the name of the session, and of its cookie.
const sessionName = "session"

// sessionMaxAge is how long a login lasts, in seconds.
const sessionMaxAge = 8 * 60 * 60

// contentSecurityPolicy lets the page load only what the example serves
// itself: no inline script, no external script, style or image.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; " +
	"img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// assets holds the page's template and its static files.
//
//go:embed templates static
var assets embed.FS

// app is the example's web application. It is an http.Handler, safe for
// concurrent use once built by newApp.
type app struct {
	mux    *http.ServeMux
	logger *slog.Logger

	// store holds the login sessions; users reads them back, for the
	// endpoint and for the page alike.
	store *sessions.CookieStore
	users *userresolver.SessionResolver

	// signer is the local issuer, nil in Liveblocks mode. It signs with
	// the active key of its key set, which verifier trusts and jwks
	// publishes.
	signer   *token.Signer
	verifier *token.Verifier
	jwks     http.Handler

	// live holds the live demo rooms that the example serves itself
	// behind the room guard, local mode only (nil otherwise); roomStore
	// holds their accesses for the guard.
	live      *liveRooms
	roomStore *middleware.MemoryRooms

	// issuer describes the issuer for the page.
	issuer issuerView

	// rooms are the demo rooms with their accesses: our own table in
	// local mode, the rooms as Liveblocks holds them otherwise.
	rooms []demoRoom

	page    *template.Template
	avatars map[string][]byte
}

// issuerView describes the issuer in use, for the page.
type issuerView struct {
	// Liveblocks is true when tokens come from Liveblocks.
	Liveblocks bool

	// BaseURL and DevServer describe Liveblocks (Liveblocks mode only);
	// BaseURL has any password masked.
	BaseURL   string
	DevServer bool

	// Algorithm, KeyID, Lifetime, ProjectID and PublicKey describe the
	// local signer (local mode only); PublicKey is PEM.
	Algorithm string
	KeyID     string
	Lifetime  string
	ProjectID string
	PublicKey string
}

// newApp builds the example from cfg and prints the start-up lines that
// say which session key and which issuer are in use to stdout.
//
// In Liveblocks mode (cfg.liveblocksSecret set) it creates the demo rooms
// that do not exist yet, within ctx, and fails if it cannot: the error
// names the Liveblocks address, never the secret key.
func newApp(ctx context.Context, cfg config, stdout io.Writer) (*app, error) {
	a := &app{
		mux:     http.NewServeMux(),
		logger:  cfg.logger,
		avatars: avatars(),
	}
	if a.logger == nil {
		a.logger = slog.New(slog.DiscardHandler)
	}

	// Sessions: a signed cookie holding the user ID only. The user's
	// groups and profile are looked up in the user table on every request.
	key := cfg.sessionKey
	if key == nil {
		key = make([]byte, minSessionKeyLen)
		rand.Read(key) // never fails
		fmt.Fprintf(stdout, "sessions: cookies signed with a random key made at start; "+
			"set %s to keep logins across restarts\n", envSessionKey)
	} else {
		fmt.Fprintf(stdout, "sessions: cookies signed with the key from %s\n", envSessionKey)
	}
	a.store = sessions.NewCookieStore(key)
	a.store.MaxAge(sessionMaxAge)
	a.store.Options.Path = "/"
	a.store.Options.HttpOnly = true
	a.store.Options.SameSite = http.SameSiteLaxMode
	// The example serves plain HTTP on the loopback interface, where not
	// every browser keeps Secure cookies. An application served over
	// HTTPS keeps gorilla/sessions' default, Secure.
	a.store.Options.Secure = false
	a.users = userresolver.Session(a.store, sessionName, userresolver.WithLookup(lookupUser))

	// The issuer: Liveblocks when a secret key is given, a local signer
	// otherwise.
	var (
		issuer token.Issuer
		err    error
	)
	if cfg.liveblocksSecret != "" {
		issuer, err = a.setUpLiveblocks(ctx, cfg, stdout)
	} else {
		issuer, err = a.setUpSigner(cfg, stdout)
	}
	if err != nil {
		return nil, err
	}

	a.page, err = template.ParseFS(assets, "templates/index.html")
	if err != nil {
		return nil, fmt.Errorf("parsing the page template: %w", err)
	}

	cop := http.NewCrossOriginProtection() // no logins posted from other sites
	a.mux.HandleFunc("GET /{$}", a.serveIndex)
	a.mux.Handle("POST /login", cop.Handler(http.HandlerFunc(a.serveLogin)))
	a.mux.Handle("POST /logout", cop.Handler(http.HandlerFunc(a.serveLogout)))
	a.mux.HandleFunc("GET /avatars/{file}", a.serveAvatar)
	a.mux.HandleFunc("GET /static/{file}", serveStatic)

	// The endpoint is mounted for every method: it answers anything but
	// POST with its own JSON 405, never with the mux's plain text.
	a.mux.Handle(authEndpoint, middleware.Handler(a.users,
		middleware.WithIssuer(issuer),
		middleware.WithLogger(a.logger),
	))

	// Local mode: the signer's public keys, and the live demo room
	// behind the room guard. In Liveblocks mode neither exists (404):
	// Liveblocks signs the tokens and hosts the rooms.
	if a.signer != nil {
		a.mux.Handle(jwksPath, a.jwks)
		guard := middleware.RoomGuard(a.verifier, a.roomStore, middleware.WithGuardLogger(a.logger))
		a.mux.Handle(roomStreamPath, onlyMethod(http.MethodGet, guard(http.HandlerFunc(a.live.serveStream))))
		a.mux.Handle(roomCounterPath, onlyMethod(http.MethodPost, guard(http.HandlerFunc(a.live.serveCounter))))
		a.mux.Handle(roomAdmissionPath, onlyMethod(http.MethodGet, guard(http.HandlerFunc(a.live.serveAdmission))))
	}
	return a, nil
}

// Close ends the live room's streams and refuses new ones, so that a
// server's Shutdown need not wait for them; register it with
// http.Server.RegisterOnShutdown. It returns at once and may be called
// more than once; in Liveblocks mode it does nothing.
func (a *app) Close() {
	if a.live != nil {
		a.live.close()
	}
}

// setUpSigner makes the local issuer, a token.Signer over a key set of one
// fresh ES256 key, and what a self-hosted realtime server builds on the
// same set: the JWKS document, a token.Verifier, and the demo rooms'
// accesses in a middleware.MemoryRooms for the room guard.
func (a *app) setUpSigner(cfg config, stdout io.Writer) (token.Issuer, error) {
	key, err := token.GenerateKey(token.ES256)
	if err != nil {
		return nil, fmt.Errorf("making the signing key: %w", err)
	}
	set, err := token.NewKeySet(key)
	if err != nil {
		return nil, fmt.Errorf("making the key set: %w", err)
	}
	signer, err := token.NewKeySetSigner(set)
	if err != nil {
		return nil, fmt.Errorf("making the token signer: %w", err)
	}
	// The verifier trusts the same set and only tokens of this signer's
	// project. The example never rotates its key; one that does calls
	// UseKeys on both, and the JWKS document follows the signer.
	a.verifier, err = token.NewVerifier(set, token.WithExpectedProjectID(signer.ProjectID()))
	if err != nil {
		return nil, fmt.Errorf("making the token verifier: %w", err)
	}
	a.jwks, err = token.JWKS(signer.KeySet)
	if err != nil {
		return nil, fmt.Errorf("making the JWKS handler: %w", err)
	}
	der, err := x509.MarshalPKIXPublicKey(signer.Public())
	if err != nil {
		return nil, fmt.Errorf("encoding the signer's public key: %w", err)
	}
	a.signer = signer
	a.rooms = demoRooms()
	a.roomStore = new(middleware.MemoryRooms)
	ids := make([]string, len(a.rooms))
	for i, r := range a.rooms {
		if err := a.roomStore.Set(r.ID, r.Accesses); err != nil {
			return nil, fmt.Errorf("room %q: %w", r.ID, err)
		}
		ids[i] = r.ID
	}
	a.live = newLiveRooms(ids, cfg.maxSubscribers, cfg.keepalive, a.logger)
	a.issuer = issuerView{
		Algorithm: signer.Algorithm(),
		KeyID:     signer.KeyID(),
		Lifetime:  signer.Lifetime().String(),
		ProjectID: signer.ProjectID(),
		PublicKey: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})),
	}

	fmt.Fprintf(stdout, "issuer: no %s set, so tokens are signed locally with %s, key ID %s; "+
		"a realtime server needs the public key (shown on the page) to accept them\n",
		envSecretKey, signer.Algorithm(), signer.KeyID())
	fmt.Fprintf(stdout, "rooms: the public keys are at %s; the live demo rooms (%s) are served here, "+
		"behind the room guard, at %s\n", jwksPath, roomIDs(a.rooms), roomStreamPath)
	if cfg.liveblocksBaseURL != "" {
		fmt.Fprintf(stdout, "issuer: %s is ignored without %s\n", envBaseURL, envSecretKey)
	}
	return signer, nil
}

// setUpLiveblocks makes the Liveblocks issuer and creates the demo rooms
// on Liveblocks. The base URL is only ever shown with any password masked.
func (a *app) setUpLiveblocks(ctx context.Context, cfg config, stdout io.Writer) (token.Issuer, error) {
	var opts []liveblocks.Option
	if cfg.liveblocksBaseURL != "" {
		opts = append(opts, liveblocks.WithBaseURL(cfg.liveblocksBaseURL))
	}
	lb, err := liveblocks.New(cfg.liveblocksSecret, opts...)
	if err != nil {
		return nil, fmt.Errorf("%s or %s: %w", envSecretKey, envBaseURL, err)
	}
	base := redactedURL(cmp.Or(cfg.liveblocksBaseURL, liveblocks.DefaultBaseURL))

	rooms, err := createRooms(ctx, lb, demoRooms())
	if err != nil {
		return nil, fmt.Errorf("cannot set up the demo rooms on Liveblocks at %s "+
			"(is it running, and is %s its key?): %w", base, envSecretKey, err)
	}
	a.rooms = rooms
	a.issuer = issuerView{
		Liveblocks: true,
		BaseURL:    base,
		DevServer:  cfg.liveblocksSecret == "sk_localdev",
	}

	fmt.Fprintf(stdout, "issuer: Liveblocks at %s issues the tokens (POST /v2/identify-user); "+
		"demo rooms ready: %s\n", base, roomIDs(rooms))
	return lb, nil
}

// redactedURL returns raw with any password replaced by "xxxxx", as
// url.URL.Redacted does, so that it can be printed. raw has been accepted
// by liveblocks.New already; should it not parse, none of it is shown.
func redactedURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(a URL that does not parse)"
	}
	return u.Redacted()
}

// roomIDs lists the rooms' IDs, separated by commas.
func roomIDs(rooms []demoRoom) string {
	ids := make([]string, len(rooms))
	for i, r := range rooms {
		ids[i] = r.ID
	}
	return strings.Join(ids, ", ")
}

// ServeHTTP serves the page, the login routes, the avatars, the
// authentication endpoint and, in local mode, the JWKS and the live demo
// room.
func (a *app) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	a.mux.ServeHTTP(w, r)
}

// serveLogin logs in the demo user named by the form field "user" and
// sends the browser back to the page. An unknown user is answered 400.
func (a *app) serveLogin(w http.ResponseWriter, r *http.Request) {
	u, ok := findUser(r.PostFormValue("user"))
	if !ok {
		http.Error(w, "unknown demo user", http.StatusBadRequest)
		return
	}

	// A cookie that fails to decode (signed with the random key of an
	// earlier run) gives a fresh session along with the error: use it.
	s, _ := a.store.Get(r, sessionName)
	if s == nil {
		http.Error(w, "no session", http.StatusInternalServerError)
		return
	}
	s.Values[userresolver.DefaultUserIDKey] = u.ID
	if err := s.Save(r, w); err != nil {
		a.logger.Error("saving the session", "err", err)
		http.Error(w, "cannot save the session", http.StatusInternalServerError)
		return
	}
	a.logger.Info("logged in", "user", u.ID)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// serveLogout ends the session, deleting its cookie, and sends the browser
// back to the page.
func (a *app) serveLogout(w http.ResponseWriter, r *http.Request) {
	s, _ := a.store.Get(r, sessionName)
	if s == nil {
		http.Error(w, "no session", http.StatusInternalServerError)
		return
	}
	clear(s.Values)
	s.Options.MaxAge = -1
	if err := s.Save(r, w); err != nil {
		a.logger.Error("deleting the session", "err", err)
		http.Error(w, "cannot delete the session", http.StatusInternalServerError)
		return
	}
	a.logger.Info("logged out")
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// serveAvatar serves /avatars/{id}.svg.
func (a *app) serveAvatar(w http.ResponseWriter, r *http.Request) {
	id, ok := strings.CutSuffix(r.PathValue("file"), ".svg")
	svg, found := a.avatars[id]
	if !ok || !found {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Header().Set("Content-Security-Policy", "default-src 'none'")
	w.Write(svg)
}

// serveStatic serves the page's style sheet and script.
func serveStatic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	if strings.HasPrefix(name, ".") {
		http.NotFound(w, r)
		return
	}
	http.ServeFileFS(w, r, assets, path.Join("static", name))
}

// pageData is what the page template shows.
type pageData struct {
	// User is the logged-in user, or nil.
	User *userView

	// Users are the demo users, for the login buttons.
	Users []userView

	// Rooms are the demo rooms, with what User may do in each.
	Rooms []roomView

	// WhoMay tells, for each demo room, what each demo user gets there.
	WhoMay []whoMayRow

	Issuer       issuerView
	AuthEndpoint string

	// JWKSPath, StreamPath, CounterPath and AdmissionPath are the routes
	// of the local mode's keys and live demo room.
	JWKSPath      string
	StreamPath    string
	CounterPath   string
	AdmissionPath string

	// Problem is a message to show when the session could not be read.
	Problem string
}

// userView is a demo user as the page shows it.
type userView struct {
	ID     string
	Name   string
	Avatar string
	Color  string

	// Groups lists the groups, separated by commas.
	Groups string

	// Info is the user's public profile as JSON: the token's "ui".
	Info string
}

// newUserView describes u for the page.
func newUserView(u demoUser) userView {
	return userView{
		ID:     u.ID,
		Name:   u.Name,
		Avatar: avatarPath(u.ID),
		Color:  u.Color,
		Groups: strings.Join(u.Groups, ", "),
		Info:   indentedJSON(u.info()),
	}
}

// indentedJSON returns v as indented JSON.
func indentedJSON(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return ""
	}
	return string(b)
}

// serveIndex serves the page. It finds the logged-in user with the same
// resolver as the endpoint.
func (a *app) serveIndex(w http.ResponseWriter, r *http.Request) {
	data := pageData{
		Issuer:        a.issuer,
		AuthEndpoint:  authEndpoint,
		JWKSPath:      jwksPath,
		StreamPath:    roomStreamPath,
		CounterPath:   roomCounterPath,
		AdmissionPath: roomAdmissionPath,
	}

	var current *demoUser
	ru, err := a.users.ResolveUser(r)
	switch {
	case err == nil:
		if u, ok := findUser(ru.ID); ok {
			current = &u
			v := newUserView(u)
			data.User = &v
		}
	case errors.Is(err, userresolver.ErrNoUser):
		// Nobody is logged in.
	default:
		a.logger.Error("reading the session", "err", err)
		data.Problem = "The session could not be read; log in again."
	}

	for _, u := range demoUsers {
		data.Users = append(data.Users, newUserView(u))
	}
	for _, room := range a.rooms {
		data.Rooms = append(data.Rooms, newRoomView(room, current))
	}
	data.WhoMay = whoMay(a.rooms)

	// Render first, so that a template error gives a clean 500.
	var buf bytes.Buffer
	if err := a.page.Execute(&buf, data); err != nil {
		a.logger.Error("rendering the page", "err", err)
		http.Error(w, "cannot render the page", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("Referrer-Policy", "same-origin")
	w.Write(buf.Bytes())
}
