package dev.errand.server.engine;

import dev.errand.server.store.Store;

/**
 * The orchestration layer: owns the run lifecycle ({@link RunEngine}), the worker side ({@link
 * Dispatcher}), bulk actions ({@link BulkActions}), wake-ups and the background duties. Start it
 * once per server node; several nodes may share one PostgreSQL database. Thread-safe.
 */
public final class Engine implements AutoCloseable {
  private final Wakeups wakeups = new Wakeups();
  private final RunEngine runs;
  private final Dispatcher dispatcher;
  private final SupervisedLoop reaper;
  private final Waitpoints waitpoints;
  private final Queues queues;
  private final SupervisedLoop expirer;
  private final BulkActions bulkActions;
  private final SupervisedLoop bulkActionProcessor;
  private final SupervisedLoop firstStatistics;
  private final Store store;
  private final RunLimits limits;
  private AutoCloseable dueListener;

  /**
   * @param callbackKeySeal seals the waitpoint callback key before it is stored, and opens it
   */
  public Engine(
      Store store, EngineConfig config, RunLimits limits, CallbackKeySeal callbackKeySeal) {
    this.store = store;
    TaskCatalog catalog = new TaskCatalog(store);
    this.limits = limits;
    this.runs = new RunEngine(store, catalog, wakeups, limits);
    this.waitpoints = new Waitpoints(store, wakeups, callbackKeySeal);
    EnvironmentLimits environmentLimits = new EnvironmentLimits(store);
    this.queues = new Queues(store, wakeups, environmentLimits);
    this.expirer =
        new SupervisedLoop(
            "run-expirer", config.reaperInterval(), new RunExpirer(store, waitpoints));
    this.dispatcher =
        new Dispatcher(
            store, catalog, wakeups, config, limits, runs, waitpoints, environmentLimits);
    this.reaper =
        new SupervisedLoop(
            "lease-reaper", config.reaperInterval(), new LeaseReaper(store, wakeups));
    this.bulkActions = new BulkActions(store);
    this.bulkActionProcessor =
        new SupervisedLoop(
            "bulk-actions", config.reaperInterval(), new BulkActionProcessor(store, wakeups));
    this.firstStatistics =
        new SupervisedLoop("first-statistics", config.reaperInterval(), store::analyzeNewTables);
  }

  public Engine start() {
    dueListener = store.listenForDue(wakeups::signal);
    reaper.start();
    waitpoints.start();
    expirer.start();
    bulkActionProcessor.start();
    firstStatistics.start();
    return this;
  }

  /** The payload and output size limits. */
  public RunLimits runLimits() {
    return limits;
  }

  public RunEngine runs() {
    return runs;
  }

  public Dispatcher dispatcher() {
    return dispatcher;
  }

  public Waitpoints waitpoints() {
    return waitpoints;
  }

  public Queues queues() {
    return queues;
  }

  public BulkActions bulkActions() {
    return bulkActions;
  }

  /** Stops handing out runs; call before the HTTP server stops. */
  public void shutDown() {
    dispatcher.shutDown();
  }

  @Override
  public void close() {
    reaper.close();
    expirer.close();
    bulkActionProcessor.close();
    firstStatistics.close();
    waitpoints.close();
    if (dueListener != null) {
      try {
        dueListener.close();
      } catch (Exception e) {
        org.slf4j.LoggerFactory.getLogger(Engine.class)
            .warn("closing the due-runs listener failed", e);
      }
    }
    wakeups.close();
  }
}
