/** Injection token of the topic this app publishes to (TOPICS[app], or a test's own). */
export const EVENTS_TOPIC = Symbol('EVENTS_TOPIC');
