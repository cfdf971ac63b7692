package dev.slipway.engine.frontend.dockerfile.parser;

/**
 * An inline document ({@code <<EOF} ... {@code EOF}) attached to a RUN, COPY or ADD.
 *
 * @param name the delimiter word, without quotes
 * @param content the body, each line ending with a newline; leading tabs already removed for {@code
 *     <<-}
 * @param expand false when the delimiter was quoted: no variable expansion in the body
 * @param chomp true for {@code <<-}
 */
public record Heredoc(String name, String content, boolean expand, boolean chomp) {}
