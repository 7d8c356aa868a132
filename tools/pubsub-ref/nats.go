package main

import (
	"time"

	"github.com/nats-io/nats.go"
)

// runNats: nats.go, as Milvus's natsmq uses it: js.Publish awaiting each PubAck, an ephemeral push consumer.
func runNats(o options) error {
	var natsOptions []nats.Option
	if o.creds != "" {
		natsOptions = append(natsOptions, nats.UserCredentials(o.creds))
	}
	if o.tlsCA != "" {
		natsOptions = append(natsOptions, nats.RootCAs(o.tlsCA))
	}
	if o.tlsCert != "" {
		natsOptions = append(natsOptions, nats.ClientCert(o.tlsCert, o.tlsKey))
	}
	nc, err := nats.Connect(o.url, natsOptions...)
	if err != nil {
		return err
	}
	defer nc.Close()
	js, err := nc.JetStream()
	if err != nil {
		return err
	}
	out := result{Client: "nats.go " + nats.Version, ConsumerShape: "ephemeral push consumer, acks not awaited (natsmq's shape)"}
	return runOperations(o, out, func(topic string, payload []byte) (float64, error) {
		start := time.Now()
		if _, err := js.AddStream(&nats.StreamConfig{Name: topic, Subjects: []string{topic}, Storage: nats.FileStorage, Retention: nats.LimitsPolicy, Replicas: 1}); err != nil {
			return 0, err
		}
		defer js.DeleteStream(topic)
		watch := newDeliveryWatch(o.messages)
		sub, err := js.Subscribe(topic, func(m *nats.Msg) {
			_ = m.Ack()
			watch.delivered()
		}, nats.DeliverAll(), nats.AckExplicit())
		if err != nil {
			return 0, err
		}
		defer sub.Unsubscribe()
		for i := 0; i < o.messages; i++ {
			if _, err := js.Publish(topic, payload); err != nil {
				return 0, err
			}
		}
		if err := watch.wait(o.timeout); err != nil {
			return 0, err
		}
		return time.Since(start).Seconds(), nil
	})
}
