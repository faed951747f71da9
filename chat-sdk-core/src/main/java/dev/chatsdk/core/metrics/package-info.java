/** Micrometer metrics for the engine: {@link dev.chatsdk.core.metrics.ChatMetrics}. */
@NullMarked
package dev.chatsdk.core.metrics;

import org.jspecify.annotations.NullMarked;
