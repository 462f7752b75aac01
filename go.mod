module github.com/liveauth/liveauth

go 1.25

require (
	github.com/MicahParks/jwkset v0.11.5
	github.com/golang-jwt/jwt/v5 v5.3.1
	github.com/gorilla/securecookie v1.1.2
	github.com/gorilla/sessions v1.4.0
)

require golang.org/x/time v0.9.0 // indirect
