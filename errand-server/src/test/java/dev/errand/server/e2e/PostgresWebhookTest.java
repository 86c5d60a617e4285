package dev.errand.server.e2e;

/** {@link WebhookTest} on the postgres store. */
class PostgresWebhookTest extends WebhookTest {
  @Override
  Storage storage() {
    return Storage.POSTGRES;
  }
}
