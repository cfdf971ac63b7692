# Sourced by up.sh: a throw-away CA, the certificates of every component and node, and their
# kubeconfigs.
# ECDSA P-256 keys: generated in milliseconds, and accepted by every component (also for signing
# service-account tokens).

# new_key FILE
new_key() {
  openssl ecparam -name prime256v1 -genkey -noout -out "$1" 2>/dev/null
  chmod 600 "$1"
}

# new_cert NAME SUBJECT USAGE [SAN] signs $PKI/NAME.crt for a fresh $PKI/NAME.key with the CA.
# USAGE is clientAuth, serverAuth or both.
new_cert() {
  local name=$1 subject=$2 usage=$3 san=${4:-}
  new_key "$PKI/$name.key"
  local ext; ext=$(mktemp)
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$usage"
    [[ -z $san ]] || echo "subjectAltName=$san"
  } > "$ext"
  openssl req -new -key "$PKI/$name.key" -subj "$subject" 2>/dev/null |
    openssl x509 -req -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial -days 30 \
      -extfile "$ext" -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$ext"
}

# new_kubeconfig FILE CERT_NAME writes a kubeconfig that authenticates with $PKI/CERT_NAME.*.
new_kubeconfig() {
  local file=$1 cert=$2
  cat > "$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: slipway-e2e
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority: $PKI/ca.crt
users:
- name: $cert
  user:
    client-certificate: $PKI/$cert.crt
    client-key: $PKI/$cert.key
contexts:
- name: slipway-e2e
  context: {cluster: slipway-e2e, user: $cert}
current-context: slipway-e2e
EOF
  chmod 600 "$file"
}

generate_pki() {
  PKI=$E2E_STATE/pki
  mkdir -p "$PKI"
  new_key "$PKI/ca.key"
  openssl req -x509 -new -key "$PKI/ca.key" -subj "/CN=slipway-e2e-ca" -days 30 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$PKI/ca.crt" 2>/dev/null
  # 10.96.0.1 is the `kubernetes` Service's ClusterIP, named so in-cluster clients that do reach
  # it through some proxy still verify; nothing here routes to it.
  new_cert apiserver "/CN=kube-apiserver" serverAuth \
    "IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  new_cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" clientAuth
  new_cert admin "/O=system:masters/CN=slipway-e2e-admin" clientAuth
  new_cert controller-manager "/CN=system:kube-controller-manager" clientAuth
  new_cert scheduler "/CN=system:kube-scheduler" clientAuth
  new_key "$PKI/service-account.key"
  openssl ec -in "$PKI/service-account.key" -pubout -out "$PKI/service-account.pub" 2>/dev/null

  new_kubeconfig "$KUBECONFIG_ADMIN" admin
  new_kubeconfig "$E2E_STATE/controller-manager.kubeconfig" controller-manager
  new_kubeconfig "$E2E_STATE/scheduler.kubeconfig" scheduler
}

# generate_node_pki I: node I's kubelet client certificate (system:node:127.0.0.I, which the
# Node authorizer and NodeRestriction tie to that node), its kubeconfig, and its serving
# certificate for the address the API server reaches it at.
generate_node_pki() {
  local ip; ip=$(node_ip "$1")
  mkdir -p "$(node_dir "$1")"
  new_cert "kubelet-$1" "/O=system:nodes/CN=system:node:$ip" clientAuth
  new_cert "kubelet-serving-$1" "/CN=$ip" serverAuth "IP:$ip"
  new_kubeconfig "$(node_dir "$1")/kubelet.kubeconfig" "kubelet-$1"
}
