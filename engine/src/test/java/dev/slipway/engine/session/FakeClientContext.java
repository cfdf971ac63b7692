package dev.slipway.engine.session;

import dev.slipway.session.ContextFile;
import dev.slipway.session.ContextFiles;
import dev.slipway.session.SessionException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A client that answers the context protocol correctly but lists whatever a test (or an attacker)
 * wants: any paths, types and link targets, and any contents for the files the engine asks for.
 */
class FakeClientContext implements ContextFiles {
  final List<ContextFile> listing = new ArrayList<>();
  final Map<String, byte[]> contents = new HashMap<>();
  private final String identity;

  FakeClientContext(String identity) {
    this.identity = identity;
  }

  FakeClientContext dir(String path) {
    listing.add(new ContextFile(path, ContextFile.S_IFDIR | 0755, 0, 1_000_000_000L, 0, 0, ""));
    return this;
  }

  FakeClientContext dir(String path, int mode) {
    listing.add(new ContextFile(path, ContextFile.S_IFDIR | mode, 0, 1_000_000_000L, 0, 0, ""));
    return this;
  }

  FakeClientContext file(String path, String content) {
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    listing.add(
        new ContextFile(path, ContextFile.S_IFREG | 0644, data.length, 1_000_000_000L, 0, 0, ""));
    contents.put(path, data);
    return this;
  }

  FakeClientContext symlink(String path, String target) {
    listing.add(new ContextFile(path, ContextFile.S_IFLNK | 0777, 0, 1_000_000_000L, 0, 0, target));
    return this;
  }

  FakeClientContext hardLink(String path, String target) {
    listing.add(new ContextFile(path, ContextFile.S_IFREG | 0644, 0, 1_000_000_000L, 0, 0, target));
    return this;
  }

  @Override
  public String identity() {
    return identity;
  }

  @Override
  public List<ContextFile> stat(List<String> include, List<String> exclude, List<String> follow) {
    return List.copyOf(listing);
  }

  @Override
  public InputStream open(String path) throws SessionException, IOException {
    byte[] data = contents.get(path);
    if (data == null) {
      throw new SessionException("no such file " + path);
    }
    return new ByteArrayInputStream(data);
  }
}
