package dev.errand.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.errand.sdk.NonRetryableException;
import dev.errand.sdk.Task;
import dev.errand.sdk.WebhookEvent;

/**
 * Tasks that webhook endpoints route to (see docs/webhooks.md). {@code errand dev} registers them;
 * create an endpoint whose route names one, then point the provider (or {@code curl} with a
 * computed signature) at the endpoint's URL.
 */
public final class WebhookExamples {
  private WebhookExamples() {}

  /** What a GitHub push handler did. */
  public record PushSummary(String repository, String branch, int commits, String deliveryId) {}

  /**
   * Handles GitHub {@code push} events (route filter: {@code X-GitHub-Event} is {@code push}). It
   * receives the whole {@link WebhookEvent}: the verified body, the headers and the delivery id.
   */
  public static final Task<WebhookEvent, PushSummary> GITHUB_PUSH =
      Task.define("github-push", WebhookEvent.class, PushSummary.class)
          .run(
              (event, ctx) -> {
                JsonNode body = event.body();
                String ref = body.path("ref").asText();
                String branch = ref.startsWith("refs/heads/") ? ref.substring(11) : ref;
                PushSummary summary =
                    new PushSummary(
                        body.path("repository").path("full_name").asText(),
                        branch,
                        body.path("commits").size(),
                        event.deliveryId());
                ctx.logger()
                    .info(
                        "push to {} on {}: {} commit(s) (delivery {})",
                        summary.repository(),
                        summary.branch(),
                        summary.commits(),
                        event.providerDeliveryId());
                return summary;
              });

  /**
   * The part of a Stripe {@code checkout.session.completed} event this handler reads; Stripe's
   * other fields are ignored.
   */
  public record StripeEvent(String id, String type, Data data) {
    /** The event's {@code data}. */
    public record Data(CheckoutSession object) {}

    /** The checkout session. */
    public record CheckoutSession(
        String id, String customer_email, long amount_total, String currency) {}
  }

  /** What fulfilling a checkout did. */
  public record Fulfillment(String sessionId, String email, long amountCents) {}

  /**
   * Fulfils a Stripe checkout. Its route maps the event's body onto {@link StripeEvent} ({@code
   * "payload": "body"}) and takes only {@code checkout.session.completed} events (a body filter on
   * {@code /type}). The delivery's Stripe event id is its dedup key, so a redelivered event does
   * not fulfil twice; the step below records the fulfilment so a retry does not repeat it either.
   */
  public static final Task<StripeEvent, Fulfillment> STRIPE_CHECKOUT =
      Task.define("stripe-checkout-completed", StripeEvent.class, Fulfillment.class)
          .run(
              (event, ctx) -> {
                if (event.data() == null || event.data().object() == null) {
                  throw new NonRetryableException(
                      "event " + event.id() + " has no checkout session");
                }
                StripeEvent.CheckoutSession session = event.data().object();
                return ctx.step(
                    "fulfil",
                    Fulfillment.class,
                    () -> {
                      ctx.logger()
                          .info(
                              "fulfilling checkout {} for {} ({} {})",
                              session.id(),
                              session.customer_email(),
                              session.amount_total(),
                              session.currency());
                      return new Fulfillment(
                          session.id(), session.customer_email(), session.amount_total());
                    });
              });
}
