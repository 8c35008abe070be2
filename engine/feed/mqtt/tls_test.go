package mqtt

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"testing"
	"time"

	"citytwin/engine/feed"
	"citytwin/engine/feed/codec"
)

// selfSigned makes a certificate for 127.0.0.1 and a pool trusting it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "twin-test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

// TestTLS publishes and receives through a TLS listener; a client that
// does not trust the certificate cannot connect.
func TestTLS(t *testing.T) {
	cert, pool := selfSigned(t)
	b, err := StartBrokerTLS("127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	clientTLS := &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	q := feed.NewQueue(8, feed.Block)
	sub := NewSubscriber(Config{Broker: b.URL(), ClientID: "tls-sub", QoS: 1, TLS: clientTLS},
		SubscriberOptions{Topics: []string{"city/#"}, Model: "parking"}, q, feed.NewChecker(nil))
	if err := sub.Start(); err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	pub, err := NewPublisher(Config{Broker: b.URL(), ClientID: "tls-pub", QoS: 1, TLS: clientTLS})
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	msg := codec.AppendSenML(nil, "bay-1:", 1_700_000_000_000_000, codec.SenMLRecord{Name: "status", Value: 1})
	if err := pub.PublishWait("city/bay-1/senml", msg); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(5 * time.Second)
	for q.Len() == 0 {
		select {
		case <-deadline:
			t.Fatal("nothing received over TLS")
		case <-q.Ready():
		case <-time.After(10 * time.Millisecond):
		}
	}
	if got := q.Drain(nil, 8); got[0].Sensor != "bay-1" || got[0].Value != 1 {
		t.Errorf("received %+v", got[0])
	}
	_, err = NewPublisher(Config{Broker: b.URL(), ClientID: "untrusting", TLS: &tls.Config{MinVersion: tls.VersionTLS12},
		Timeout: 500 * time.Millisecond})
	if err == nil {
		t.Error("a client without the CA connected")
	}
}

// TestPassword: with users configured, only the right username and
// password connect.
func TestPassword(t *testing.T) {
	b, err := StartBrokerWith("127.0.0.1:0", BrokerOptions{Users: map[string]string{"operator": "s3cret"}})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ok, err := NewPublisher(Config{Broker: b.URL(), ClientID: "good", Username: "operator", Password: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	ok.Close()
	for _, c := range []Config{{Username: "operator", Password: "guess"}, {Username: "nobody", Password: "s3cret"}, {}} {
		c.Broker, c.ClientID, c.Timeout = b.URL(), "bad", 500*time.Millisecond
		if p, err := NewPublisher(c); err == nil {
			p.Close()
			t.Errorf("%s connected", c)
		}
	}
}
