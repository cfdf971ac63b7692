package dev.slipway.engine.graph;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Walks of a build graph given by its root vertex. */
public final class Graph {

  private Graph() {}

  /**
   * Every vertex reachable from {@code root}, each once, inputs before the vertices that read them
   * (the order a solver can run them in). Iterative, so deep chains cannot overflow the stack.
   */
  public static List<Vertex> topologicalOrder(Vertex root) {
    List<Vertex> order = new ArrayList<>();
    Set<CacheKey> done = new HashSet<>();
    Set<CacheKey> entered = new HashSet<>();
    Deque<Vertex> stack = new ArrayDeque<>();
    stack.push(root);
    while (!stack.isEmpty()) {
      Vertex v = stack.peek();
      if (done.contains(v.cacheKey())) {
        stack.pop();
        continue;
      }
      if (entered.add(v.cacheKey())) {
        for (Vertex in : v.inputs().reversed()) {
          if (!done.contains(in.cacheKey())) {
            stack.push(in);
          }
        }
      } else {
        stack.pop();
        done.add(v.cacheKey());
        order.add(v);
      }
    }
    return order;
  }
}
