// pubsub-ref runs mqbench's pub/sub operation through the Go client Milvus uses, as a reference for mqbench's own
// client on the same broker: per operation, a fresh stream, a consumer from the first message, N messages published
// one after another (each awaiting its acknowledgement), done when the consumer has all N. It prints one JSON line.
package main

import (
	"crypto/rand"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
)

type result struct {
	Client        string    `json:"client"`
	SecondsPerOp  []float64 `json:"secondsPerOp"`
	Messages      int       `json:"messages"`
	MessageBytes  int       `json:"messageBytes"`
	Operations    int       `json:"operations"`
	ConsumerShape string    `json:"consumer"`
}

func main() {
	url := flag.String("url", "nats://127.0.0.1:4222", "NATS server URL")
	messages := flag.Int("messages", 1000, "messages per operation")
	size := flag.Int("size", 1024, "bytes per message")
	operations := flag.Int("operations", 3, "operations")
	prefix := flag.String("prefix", "pubsub-ref", "stream name prefix (one stream per operation)")
	timeout := flag.Duration("timeout", 60*time.Second, "an operation fails when nothing arrives for this long")
	creds := flag.String("creds", "", "a .creds file (JWT and NKey seed)")
	tlsCA := flag.String("tlsca", "", "CA certificate file")
	tlsCert := flag.String("tlscert", "", "client certificate file")
	tlsKey := flag.String("tlskey", "", "client key file")
	flag.Parse()
	var options []nats.Option
	if *creds != "" {
		options = append(options, nats.UserCredentials(*creds))
	}
	if *tlsCA != "" {
		options = append(options, nats.RootCAs(*tlsCA))
	}
	if *tlsCert != "" {
		options = append(options, nats.ClientCert(*tlsCert, *tlsKey))
	}
	if err := run(*url, options, *messages, *size, *operations, *prefix, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "pubsub-ref:", err)
		os.Exit(1)
	}
}

func run(url string, options []nats.Option, messages, size, operations int, prefix string, timeout time.Duration) error {
	nc, err := nats.Connect(url, options...)
	if err != nil {
		return err
	}
	defer nc.Close()
	js, err := nc.JetStream()
	if err != nil {
		return err
	}
	payload := make([]byte, size)
	if _, err := rand.Read(payload); err != nil {
		return err
	}
	out := result{Client: "nats.go " + nats.Version, Messages: messages, MessageBytes: size, Operations: operations, ConsumerShape: "ephemeral push consumer, acks not awaited (natsmq's shape)"}
	for op := 0; op < operations; op++ {
		seconds, err := operation(js, fmt.Sprintf("%s-%d", prefix, op), payload, messages, timeout)
		if err != nil {
			return fmt.Errorf("operation %d: %w", op+1, err)
		}
		out.SecondsPerOp = append(out.SecondsPerOp, seconds)
	}
	return json.NewEncoder(os.Stdout).Encode(out)
}

func operation(js nats.JetStreamContext, topic string, payload []byte, messages int, timeout time.Duration) (float64, error) {
	start := time.Now()
	if _, err := js.AddStream(&nats.StreamConfig{Name: topic, Subjects: []string{topic}, Storage: nats.FileStorage, Retention: nats.LimitsPolicy, Replicas: 1}); err != nil {
		return 0, err
	}
	defer js.DeleteStream(topic)
	var received atomic.Int64
	var last atomic.Int64
	last.Store(time.Now().UnixNano())
	done := make(chan struct{})
	sub, err := js.Subscribe(topic, func(m *nats.Msg) {
		_ = m.Ack()
		last.Store(time.Now().UnixNano())
		if received.Add(1) == int64(messages) {
			close(done)
		}
	}, nats.DeliverAll(), nats.AckExplicit())
	if err != nil {
		return 0, err
	}
	defer sub.Unsubscribe()
	for i := 0; i < messages; i++ {
		if _, err := js.Publish(topic, payload); err != nil {
			return 0, err
		}
	}
	for {
		select {
		case <-done:
			return time.Since(start).Seconds(), nil
		case <-time.After(time.Second):
			if time.Since(time.Unix(0, last.Load())) > timeout {
				return 0, fmt.Errorf("%d of %d messages delivered, nothing for %s", received.Load(), messages, timeout)
			}
		}
	}
}
