// A TLS client on Go's crypto/tls, for tests/integration/tls13_interop.sh:
// an implementation independent of OpenSSL, GnuTLS and BearSSL. It connects
// to unihost, verifies the certificate against -ca for -name, sends one GET
// and reads the whole response, then prints one line:
//
//	version=TLS1.3 suite=TLS_AES_128_GCM_SHA256 resumed=false status=200 bytes=N
//
// -count N repeats the connection N times with one session cache, so that
// the second and later connections can resume with a ticket; each prints
// its line. -curve restricts the groups offered (Go sends a key share for
// the first one only, so "-curve P384,P256" draws a HelloRetryRequest).
// -max 1.2 caps the version at TLS 1.2; -out FILE keeps the body. Exits 1
// on any failure.
//
// Standard library only, built by the test with "go build" offline.
package main

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

var curves = map[string]tls.CurveID{
	"X25519": tls.X25519,
	"P256":   tls.CurveP256,
	"P384":   tls.CurveP384,
	"P521":   tls.CurveP521,
}

var versions = map[uint16]string{
	tls.VersionTLS10: "TLS1.0",
	tls.VersionTLS11: "TLS1.1",
	tls.VersionTLS12: "TLS1.2",
	tls.VersionTLS13: "TLS1.3",
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "go_tls_client: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	addr := flag.String("addr", "192.0.2.2:443", "server address")
	name := flag.String("name", "www.unihost.test", "server name (SNI, and the name verified)")
	caFile := flag.String("ca", "", "PEM file of the certificate to trust")
	curveList := flag.String("curve", "", "groups to offer, comma-separated (X25519, P256, P384, P521)")
	maxVersion := flag.String("max", "1.3", "highest version offered: 1.2 or 1.3")
	minVersion := flag.String("min", "1.2", "lowest version offered: 1.2 or 1.3")
	path := flag.String("path", "/", "the path to GET")
	count := flag.Int("count", 1, "connections to make, sharing one session cache")
	out := flag.String("out", "", "file to write the last response's body to")
	flag.Parse()

	pem, err := os.ReadFile(*caFile)
	if err != nil {
		fail("%v", err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		fail("no certificate in %s", *caFile)
	}
	parseVersion := func(v string) uint16 {
		switch v {
		case "1.2":
			return tls.VersionTLS12
		case "1.3":
			return tls.VersionTLS13
		}
		fail("bad version %q", v)
		return 0
	}
	cfg := &tls.Config{
		RootCAs:            roots,
		ServerName:         *name,
		MinVersion:         parseVersion(*minVersion),
		MaxVersion:         parseVersion(*maxVersion),
		NextProtos:         []string{"http/1.1"},
		ClientSessionCache: tls.NewLRUClientSessionCache(4),
	}
	if *curveList != "" {
		for _, c := range strings.Split(*curveList, ",") {
			id, ok := curves[c]
			if !ok {
				fail("unknown curve %q", c)
			}
			cfg.CurvePreferences = append(cfg.CurvePreferences, id)
		}
	}
	for i := 0; i < *count; i++ {
		dialer := &net.Dialer{Timeout: 5 * time.Second}
		conn, err := tls.DialWithDialer(dialer, "tcp", *addr, cfg)
		if err != nil {
			fail("connection %d: %v", i+1, err)
		}
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", *path, *name)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			fail("connection %d: reading the response: %v", i+1, err)
		}
		var sink io.Writer = io.Discard
		if *out != "" {
			f, err := os.Create(*out)
			if err != nil {
				fail("%v", err)
			}
			defer f.Close()
			sink = f
		}
		n, err := io.Copy(sink, resp.Body)
		resp.Body.Close()
		if err != nil {
			fail("connection %d: reading the body: %v", i+1, err)
		}
		// The ticket comes before the response, so it is in the cache by now.
		st := conn.ConnectionState()
		conn.Close()
		fmt.Printf("version=%s suite=%s alpn=%s resumed=%t status=%d bytes=%d\n",
			versions[st.Version], tls.CipherSuiteName(st.CipherSuite), st.NegotiatedProtocol,
			st.DidResume, resp.StatusCode, n)
	}
}
