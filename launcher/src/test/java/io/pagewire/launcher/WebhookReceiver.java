package io.pagewire.launcher;

/**
 * The shared {@link io.pagewire.testsupport.WebhookReceiver} under its old name, for tests of this
 * package written before it moved to test-support; new tests import that one.
 */
@Deprecated
final class WebhookReceiver extends io.pagewire.testsupport.WebhookReceiver {}
