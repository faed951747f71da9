/**
 * In-memory implementations of every port: stores, blob store, presence registry and an in-process
 * cluster bus. They keep everything on the heap of one JVM, so they suit tests, demos and
 * single-node deployments that accept losing state on restart. Each class is thread-safe and
 * completes its stages before returning.
 */
@NullMarked
package dev.chatsdk.core.memory;

import org.jspecify.annotations.NullMarked;
