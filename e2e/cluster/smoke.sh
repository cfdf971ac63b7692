#!/usr/bin/env bash
# Smoke check of the e2e cluster: up.sh, the node Ready, a hostNetwork pod from the locally
# imported busybox image prints a line that `kubectl logs` reads back, a pod reaches the API with
# its service-account token, helm reaches the cluster, `kubectl exec` and
# `kubectl port-forward` reach a pod (the journeys need both), then down.sh. With --nodes N (N > 1)
# also: a pod on each node sees the node's address as its IP and its log is read back, and the
# last node is stopped (its pod's process dies) and started again (Ready, the pod runs again).
# Prints how long each step took. Exits non-zero on the first check that fails; down.sh runs in
# any case.
set -euo pipefail
. "$(dirname "$0")/env.sh"
NODES=1
if [[ ${1:-} == --nodes ]]; then
  NODES=${2:?--nodes takes a number}
fi

log() { echo "smoke.sh: $*" >&2; }
fail() {
  log "FAILED: $*"
  exit 1
}
trap '"$E2E_CLUSTER_DIR/down.sh"' EXIT

start=$SECONDS
kubeconfig=$("$E2E_CLUSTER_DIR/up.sh" --nodes "$NODES")
up_seconds=$((SECONDS - start))
kubectl() { "$K8S_BIN/kubectl" --kubeconfig "$kubeconfig" "$@"; }

kubectl get nodes -o wide >&2
for ((i = 1; i <= NODES; i++)); do
  [[ $(kubectl get node "$(node_ip "$i")" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}') == True ]] ||
    fail "node $(node_ip "$i") is not Ready"
done

step=$SECONDS
kubectl apply -f - > /dev/null <<EOF
apiVersion: v1
kind: Pod
metadata: {name: smoke-hello}
spec:
  hostNetwork: true
  restartPolicy: Never
  containers:
  - name: hello
    image: $BUSYBOX_IMAGE
    imagePullPolicy: Never
    command: [sh, -c, 'echo "slipway-e2e smoke: hello from \$(hostname) as uid \$(id -u)"']
EOF
kubectl wait --for=jsonpath='{.status.phase}'=Succeeded pod/smoke-hello --timeout=120s > /dev/null ||
  fail "pod smoke-hello did not succeed: $(kubectl describe pod smoke-hello)"
line=$(kubectl logs smoke-hello)
[[ $line == "slipway-e2e smoke: hello from "* ]] || fail "unexpected log of smoke-hello: '$line'"
log "pod printed: $line"
pod_seconds=$((SECONDS - step))

# In-cluster API access the way the operator will have it: the pod's service-account token, and
# the API server's loopback address in place of the unreachable `kubernetes` Service ClusterIP.
step=$SECONDS
kubectl apply -f - > /dev/null <<EOF
apiVersion: v1
kind: Pod
metadata: {name: smoke-incluster}
spec:
  hostNetwork: true
  restartPolicy: Never
  volumes:
  - name: kubectl
    hostPath: {path: $K8S_BIN/kubectl, type: File}
  containers:
  - name: whoami
    image: $BUSYBOX_IMAGE
    imagePullPolicy: Never
    env:
    - {name: KUBERNETES_SERVICE_HOST, value: 127.0.0.1}
    - {name: KUBERNETES_SERVICE_PORT, value: "$APISERVER_PORT"}
    volumeMounts:
    - {name: kubectl, mountPath: /bin/kubectl, readOnly: true}
    command: [kubectl, auth, whoami, -o, 'jsonpath={.status.userInfo.username}']
EOF
kubectl wait --for=jsonpath='{.status.phase}'=Succeeded pod/smoke-incluster --timeout=120s > /dev/null ||
  fail "pod smoke-incluster did not succeed: $(kubectl logs smoke-incluster 2>&1)"
whoami=$(kubectl logs smoke-incluster)
[[ $whoami == system:serviceaccount:default:default ]] || fail "in-cluster identity is '$whoami'"
log "in-cluster API access works as $whoami"
incluster_seconds=$((SECONDS - step))

releases=$("$HELM_BIN/helm" --kubeconfig "$kubeconfig" list --all-namespaces --short) ||
  fail "helm cannot reach the cluster"
[[ -z $releases ]] || fail "unexpected helm releases in a new cluster: $releases"
log "helm reaches the cluster"

# A long-running pod serving HTTP on loopback for exec and port-forward.
step=$SECONDS
kubectl apply -f - > /dev/null <<EOF
apiVersion: v1
kind: Pod
metadata: {name: smoke-server}
spec:
  hostNetwork: true
  terminationGracePeriodSeconds: 1
  containers:
  - name: httpd
    image: $BUSYBOX_IMAGE
    imagePullPolicy: Never
    command: [sh, -c, 'mkdir -p /www && echo served-through-port-forward > /www/index.html && exec httpd -f -p 127.0.0.1:28080 -h /www']
EOF
kubectl wait --for=condition=Ready pod/smoke-server --timeout=120s > /dev/null ||
  fail "pod smoke-server not Ready: $(kubectl describe pod smoke-server)"
[[ $(kubectl exec smoke-server -- cat /www/index.html) == served-through-port-forward ]] ||
  fail "kubectl exec did not read the file the pod wrote"
log "kubectl exec works"
kubectl port-forward pod/smoke-server 28081:28080 --address 127.0.0.1 > /dev/null 2>&1 &
forward=$!
served=""
for _ in $(seq 1 40); do
  served=$(curl -fsS http://127.0.0.1:28081/index.html 2> /dev/null) && break
  sleep 0.5
done
kill "$forward" 2> /dev/null || true
[[ $served == served-through-port-forward ]] || fail "kubectl port-forward did not serve the pod's page (got '$served')"
log "kubectl port-forward works"
exec_seconds=$((SECONDS - step))

# One pod per node, pinned by nodeName: each sees its node's address as its IP, and a marker in
# its command line finds its process from the host.
nodes_seconds=0
stop_seconds=0
start_seconds=0
if ((NODES > 1)); then
  step=$SECONDS
  marker=slipway-smoke-$$
  for ((i = 1; i <= NODES; i++)); do
    kubectl apply -f - > /dev/null <<EOF
apiVersion: v1
kind: Pod
metadata: {name: smoke-node-$i}
spec:
  hostNetwork: true
  nodeName: "$(node_ip "$i")"
  terminationGracePeriodSeconds: 1
  containers:
  - name: idle
    image: $BUSYBOX_IMAGE
    imagePullPolicy: Never
    env:
    - name: POD_IP
      valueFrom: {fieldRef: {fieldPath: status.podIP}}
    command: [sh, -c, 'echo "on \$POD_IP"; while sleep 1; do :; done # $marker-$i']
EOF
  done
  for ((i = 1; i <= NODES; i++)); do
    kubectl wait --for=condition=Ready "pod/smoke-node-$i" --timeout=120s > /dev/null ||
      fail "pod smoke-node-$i not Ready: $(kubectl describe pod "smoke-node-$i")"
    ip=$(kubectl get pod "smoke-node-$i" -o 'jsonpath={.status.podIP}')
    [[ $ip == "$(node_ip "$i")" ]] || fail "pod smoke-node-$i on node $(node_ip "$i") has IP '$ip'"
    line=$(kubectl logs "smoke-node-$i")
    [[ $line == "on $(node_ip "$i")" ]] || fail "unexpected log of smoke-node-$i: '$line'"
  done
  log "a pod on each of the $NODES nodes, each with its node's address, logs read back"
  nodes_seconds=$((SECONDS - step))

  step=$SECONDS
  "$E2E_CLUSTER_DIR/node.sh" stop "$NODES"
  ! pgrep -f "done # $marker-$NODES" > /dev/null || fail "the pod on stopped node $NODES still runs"
  pgrep -f "done # $marker-1" > /dev/null || fail "stopping node $NODES killed the pod on node 1"
  ! (: < "/dev/tcp/$(node_ip "$NODES")/$KUBELET_PORT") 2> /dev/null || fail "the kubelet of stopped node $NODES still listens"
  log "node $NODES stopped: its pod's process is gone, node 1's runs"
  stop_seconds=$((SECONDS - step))

  step=$SECONDS
  "$E2E_CLUSTER_DIR/node.sh" start "$NODES"
  for _ in $(seq 1 240); do
    pgrep -f "done # $marker-$NODES" > /dev/null && break
    sleep 0.5
  done
  pgrep -f "done # $marker-$NODES" > /dev/null || fail "the pod on node $NODES did not run again after its node started"
  kubectl wait --for=condition=Ready "pod/smoke-node-$NODES" --timeout=120s > /dev/null ||
    fail "pod smoke-node-$NODES not Ready after its node started: $(kubectl describe pod "smoke-node-$NODES")"
  log "node $NODES started again: Ready, its pod runs again"
  start_seconds=$((SECONDS - step))
  kubectl get nodes -o wide >&2
fi

step=$SECONDS
trap - EXIT
"$E2E_CLUSTER_DIR/down.sh"
down_seconds=$((SECONDS - step))
echo "smoke: $NODES node(s): up ${up_seconds}s, hello pod ${pod_seconds}s, in-cluster ${incluster_seconds}s, exec+port-forward ${exec_seconds}s, a pod per node ${nodes_seconds}s, node stop ${stop_seconds}s, node start ${start_seconds}s, down ${down_seconds}s"
echo "smoke: passed"
