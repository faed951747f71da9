/**
 * The test kit: abstract contract tests every port adapter must pass ({@code *ContractTest}), and
 * fakes for tests of code that uses the ports, such as {@link
 * dev.chatsdk.testkit.RecordingConnection}.
 */
@NullMarked
package dev.chatsdk.testkit;

import org.jspecify.annotations.NullMarked;
