package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/apache/pulsar-client-go/pulsar"
	pulsarlog "github.com/apache/pulsar-client-go/pulsar/log"
)

// runPulsar: pulsar-client-go, the client Milvus's pulsar mq uses: a synchronous Send per message (batching on, as
// by default; a synchronous send is flushed at once), an Exclusive subscription from the earliest message, an ack
// per message.
func runPulsar(o options) error {
	clientOptions := pulsar.ClientOptions{URL: o.url, OperationTimeout: 30 * time.Second, TLSTrustCertsFilePath: o.tlsCA, Logger: pulsarlog.NewLoggerWithSlog(slog.New(slog.NewTextHandler(io.Discard, nil)))}
	token := ""
	if o.token != "" {
		data, err := os.ReadFile(o.token)
		if err != nil {
			return err
		}
		token = strings.TrimSpace(string(data))
		clientOptions.Authentication = pulsar.NewAuthenticationToken(token)
	}
	client, err := pulsar.NewClient(clientOptions)
	if err != nil {
		return err
	}
	defer client.Close()
	out := result{Client: "pulsar-client-go", ConsumerShape: "Exclusive subscription from the earliest message, an ack per message"}
	return runOperations(o, out, func(topic string, payload []byte) (float64, error) {
		full := "persistent://public/default/" + topic
		start := time.Now()
		watch := newDeliveryWatch(o.messages)
		consumer, err := client.Subscribe(pulsar.ConsumerOptions{Topic: full, SubscriptionName: topic, Type: pulsar.Exclusive, SubscriptionInitialPosition: pulsar.SubscriptionPositionEarliest})
		if err != nil {
			return 0, err
		}
		defer deleteTopic(o.adminURL, token, o.tlsCA, topic)
		defer consumer.Close()
		go func() {
			for message := range consumer.Chan() {
				_ = consumer.Ack(message)
				watch.delivered()
			}
		}()
		producer, err := client.CreateProducer(pulsar.ProducerOptions{Topic: full})
		if err != nil {
			return 0, err
		}
		defer producer.Close()
		for i := 0; i < o.messages; i++ {
			if _, err := producer.Send(context.Background(), &pulsar.ProducerMessage{Payload: payload}); err != nil {
				return 0, err
			}
		}
		if err := watch.wait(o.timeout); err != nil {
			return 0, err
		}
		return time.Since(start).Seconds(), nil
	})
}

// deleteTopic removes an operation's topic through the admin API (best effort: the standalone is the run's own).
func deleteTopic(adminURL, token, caFile, topic string) {
	if adminURL == "" {
		return
	}
	request, err := http.NewRequest(http.MethodDelete, fmt.Sprintf("%s/admin/v2/persistent/public/default/%s?force=true", adminURL, topic), nil)
	if err != nil {
		return
	}
	if token != "" {
		request.Header.Set("Authorization", "Bearer "+token)
	}
	client := http.Client{Timeout: 30 * time.Second}
	if caFile != "" {
		if pem, err := os.ReadFile(caFile); err == nil {
			roots := x509.NewCertPool()
			roots.AppendCertsFromPEM(pem)
			client.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}
		}
	}
	if response, err := client.Do(request); err == nil {
		response.Body.Close()
	}
}
