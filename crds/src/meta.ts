/**
 * Object metadata as it travels as JSON (timestamps are RFC 3339 strings), shared by the
 * generated types and the Kubernetes client; client-node's V1ObjectMeta types them as Dates,
 * which they never are on the wire.
 */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  deletionTimestamp?: string;
  creationTimestamp?: string;
}

export interface ListMeta {
  resourceVersion?: string;
  continue?: string;
}
