/** The parts of Pulsar's admin REST API the driver uses: topics, subscriptions, the broker version. */
import { httpRequest } from '../../util/http.js';
import { bearerHeaders } from './auth.js';

/** The parts of a topic's stats mqbench reads. */
export interface TopicStats {
  msgInCounter?: number;
  msgOutCounter?: number;
  subscriptions?: Record<string, { consumers?: unknown[] }>;
}

/** Admin calls against `webServiceUrl` for topics in public/default. */
export class PulsarAdmin {
  constructor(
    private readonly webServiceUrl: string,
    /** A token for an authenticated cluster (sent as a Bearer header). */
    private readonly token?: string,
    /** The CA (PEM) an https web service's certificate is checked against. */
    private readonly ca?: string,
  ) {}

  /** The persistent topic name in public/default. */
  static topicName(topic: string): string {
    return `persistent://public/default/${topic}`;
  }

  /** Creates a non-partitioned topic. */
  async createTopic(topic: string): Promise<void> {
    await this.call('PUT', this.topicPath(topic), undefined, [204, 409]);
  }

  /** Deletes a topic and its subscriptions. */
  async deleteTopic(topic: string): Promise<void> {
    await this.call('DELETE', `${this.topicPath(topic)}?force=true`, undefined, [204, 404]);
  }

  /** Creates subscription `name` positioned at the first message (so a consumer sees what was sent before it connected). */
  async createSubscriptionAtEarliest(topic: string, name: string): Promise<void> {
    await this.call('PUT', `${this.topicPath(topic)}/subscription/${encodeURIComponent(name)}`, { ledgerId: -1, entryId: -1, partitionIndex: -1 }, [204, 409]);
  }

  /** Messages the topic has taken in since it was loaded (its stats' msgInCounter). */
  async messagesIn(topic: string): Promise<number> {
    return (await this.stats(topic)).msgInCounter ?? 0;
  }

  /** The topic's stats: its counters and, per subscription, the consumers connected. */
  async stats(topic: string): Promise<TopicStats> {
    const response = await httpRequest(`${this.webServiceUrl}${this.topicPath(topic)}/stats`, { headers: bearerHeaders(this.token), ca: this.ca, timeoutMs: 5000 });
    if (!response.ok) throw new Error(`Pulsar admin GET ${this.topicPath(topic)}/stats: HTTP ${response.status}`);
    return JSON.parse(response.text) as TopicStats;
  }

  /** The broker's version string. */
  async version(): Promise<string> {
    const response = await httpRequest(`${this.webServiceUrl}/admin/v2/brokers/version`, { headers: bearerHeaders(this.token), ca: this.ca, timeoutMs: 5000 });
    return response.ok ? response.text.replace(/^"|"$/g, '') : 'unknown';
  }

  private topicPath(topic: string): string {
    return `/admin/v2/persistent/public/default/${encodeURIComponent(topic)}`;
  }

  private async call(method: string, path: string, body: unknown, accepted: number[]): Promise<void> {
    const response = await httpRequest(`${this.webServiceUrl}${path}`, {
      method,
      headers: { ...bearerHeaders(this.token), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      ca: this.ca,
      timeoutMs: 30_000,
    });
    if (!accepted.includes(response.status) && !response.ok) {
      throw new Error(`Pulsar admin ${method} ${path}: HTTP ${response.status} ${response.text.slice(0, 300)}`);
    }
  }
}
