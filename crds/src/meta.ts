// The generated types' metadata is the Kubernetes client's: crds builds on @guardian/kube, never
// the other way round.
export type { ListMeta, ObjectMeta, OwnerReference } from '@guardian/kube/resources';
