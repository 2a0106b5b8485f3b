<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ApplicantPage</name>
    <message>
        <source>Type what the customer tells you; leave a field empty when it is not known. The pre-score follows as you type.</source>
        <translation>按客户所述填写；不知道的项留空即可。预审结果随输入即时更新。</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Vehicle and plan</source>
        <translation>车辆与方案</translation>
    </message>
    <message>
        <source>Credit report summary (if known)</source>
        <translation>征信摘要（如已知）</translation>
    </message>
    <message>
        <source>Customer type</source>
        <translation>客户类型</translation>
    </message>
    <message>
        <source>Birth date</source>
        <translation>出生日期</translation>
    </message>
    <message>
        <source>ID card valid until</source>
        <translation>身份证有效期至</translation>
    </message>
    <message>
        <source>Monthly income</source>
        <translation>月收入</translation>
    </message>
    <message>
        <source>Employment</source>
        <translation>职业</translation>
    </message>
    <message>
        <source>Years in this work</source>
        <translation>本职工作年限</translation>
    </message>
    <message>
        <source>Years at this address</source>
        <translation>现住址居住年限</translation>
    </message>
    <message>
        <source>Fleet size (vehicles)</source>
        <translation>车队规模（辆）</translation>
    </message>
    <message>
        <source>Farmed area (mu)</source>
        <translation>经营面积（亩）</translation>
    </message>
    <message>
        <source>Vehicle category</source>
        <translation>车辆类别</translation>
    </message>
    <message>
        <source>Vehicle price</source>
        <translation>车价</translation>
    </message>
    <message>
        <source>Down payment</source>
        <translation>首付</translation>
    </message>
    <message>
        <source>Term</source>
        <translation>期限</translation>
    </message>
    <message>
        <source>Monthly payment</source>
        <translation>月供</translation>
    </message>
    <message>
        <source>Other loans, monthly</source>
        <translation>现有负债月还款</translation>
    </message>
    <message>
        <source>Income &amp; pre-score</source>
        <translation>收入与预审</translation>
    </message>
    <message>
        <source>Proof of income</source>
        <translation>收入证明</translation>
    </message>
    <message>
        <source>Inquiries (3 months)</source>
        <translation>近3个月查询次数</translation>
    </message>
    <message>
        <source>Inquiries (6 months)</source>
        <translation>近6个月查询次数</translation>
    </message>
    <message>
        <source>Months overdue (24 months)</source>
        <translation>近24个月逾期月数</translation>
    </message>
    <message>
        <source>Longest overdue (days)</source>
        <translation>最长逾期天数</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>公民身份号码</translation>
    </message>
    <message>
        <source>Individual consumer</source>
        <translation>个人消费</translation>
    </message>
    <message>
        <source>Fleet / logistics company</source>
        <translation>车队·物流企业</translation>
    </message>
    <message>
        <source>Farmer / farm machinery</source>
        <translation>农户·农机</translation>
    </message>
    <message>
        <source>Salaried</source>
        <translation>工薪</translation>
    </message>
    <message>
        <source>Civil servant / public institution</source>
        <translation>公务员·事业单位</translation>
    </message>
    <message>
        <source>Self-employed</source>
        <translation>个体经营</translation>
    </message>
    <message>
        <source>Business owner</source>
        <translation>企业主</translation>
    </message>
    <message>
        <source>Farmer</source>
        <translation>农户</translation>
    </message>
    <message>
        <source>Driver</source>
        <translation>司机</translation>
    </message>
    <message>
        <source>Retired</source>
        <translation>退休</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>Not given</source>
        <translation>未提供</translation>
    </message>
    <message>
        <source> months</source>
        <translation> 个月</translation>
    </message>
    <message>
        <source>Long-term</source>
        <translation>长期</translation>
    </message>
    <message>
        <source>Proven</source>
        <translation>已证明</translation>
    </message>
    <message>
        <source>Proof of income seen: payslips, bank statements or a tax record</source>
        <translation>已核验收入证明：工资单、银行流水或纳税记录</translation>
    </message>
    <message>
        <source>Not known (the customer&apos;s credit report has not been seen)</source>
        <translation>未知（尚未看到客户的征信报告）</translation>
    </message>
    <message>
        <source>YYYY-MM-DD</source>
        <translation>YYYY-MM-DD</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>required</source>
        <translation>必填</translation>
    </message>
    <message>
        <source>Attach proof… (Ctrl+I)</source>
        <translation>附上证明… (Ctrl+I)</translation>
    </message>
    <message>
        <source>A payslip, bank statement or tax record: a photo, scan or PDF; it goes to the lessor with the application</source>
        <translation>工资单、银行流水或纳税记录：照片、扫描件或PDF；随申请一并发送给出租人</translation>
    </message>
    <message>
        <source>Take from the quote step</source>
        <translation>从报价步骤带入</translation>
    </message>
    <message>
        <source>Copy the category, price, down payment, term and monthly payment of the plan the customer takes (step 4)</source>
        <translation>带入客户所选方案的车辆类别、车价、首付、期限和月供（第4步）</translation>
    </message>
    <message>
        <source>{0} proof(s) attached</source>
        <translation>已附 {0} 份证明</translation>
    </message>
    <message>
        <source>Not read yet: confirm the ID card in step 2 (Alt+2).</source>
        <translation>尚未读取：请在第2步确认身份证（Alt+2）。</translation>
    </message>
    <message>
        <source>The quote step has no valid plan yet: make one there first (Alt+4).</source>
        <translation>报价步骤还没有有效方案：请先在那里制作（Alt+4）。</translation>
    </message>
    <message>
        <source>From the plan the customer takes: {0}. Its loan-to-value cap applies.</source>
        <translation>来自客户所选方案：{0}。适用其贷款价值比上限。</translation>
    </message>
    <message>
        <source>Read from the confirmed card; its check character is correct.</source>
        <translation>已从确认的身份证读取，校验位正确。</translation>
    </message>
    <message>
        <source>The check character of the confirmed ID number is wrong: check the 18th character on the card.</source>
        <translation>已确认的身份证号校验位不正确，请核对证件上的第18位。</translation>
    </message>
    <message>
        <source>Or type the figures below.</source>
        <translation>或在下方直接填写。</translation>
    </message>
    <message>
        <source>An amount cannot be negative.</source>
        <translation>金额不能为负数。</translation>
    </message>
    <message>
        <source>At most two decimals (fen).</source>
        <translation>最多两位小数（到分）。</translation>
    </message>
    <message>
        <source>Write an amount in yuan, e.g. 8,500 or 8500.00.</source>
        <translation>请填写以元为单位的金额，例如 8,500 或 8500.00。</translation>
    </message>
    <message>
        <source>correct “{0}”</source>
        <translation>更正“{0}”</translation>
    </message>
    <message>
        <source>Required for a pre-score.</source>
        <translation>预审需要此项。</translation>
    </message>
    <message>
        <source>enter “{0}”</source>
        <translation>填写“{0}”</translation>
    </message>
    <message>
        <source>Write a whole number, e.g. 0 or 2.</source>
        <translation>请填写整数，例如 0 或 2。</translation>
    </message>
    <message>
        <source>Write a number, e.g. 3 or 2.5.</source>
        <translation>请填写数字，例如 3 或 2.5。</translation>
    </message>
    <message>
        <source>Cannot be negative.</source>
        <translation>不能为负数。</translation>
    </message>
    <message>
        <source>At most {0}: check the figure.</source>
        <translation>最多 {0}，请核对数字。</translation>
    </message>
    <message>
        <source>Write the date as YYYY-MM-DD, e.g. 1985-03-12.</source>
        <translation>日期格式为 YYYY-MM-DD，例如 1985-03-12。</translation>
    </message>
    <message>
        <source>This date is in the future.</source>
        <translation>该日期晚于今天。</translation>
    </message>
    <message>
        <source>The applicant is {0}: under 18.</source>
        <translation>申请人{0}岁，未满18周岁。</translation>
    </message>
    <message>
        <source>Unknown: a person will have to check the age.</source>
        <translation>未知：需人工核实年龄。</translation>
    </message>
    <message>
        <source>The card expired on {0}.</source>
        <translation>该身份证已于{0}过期。</translation>
    </message>
    <message>
        <source>The price must be above zero.</source>
        <translation>车价必须大于零。</translation>
    </message>
    <message>
        <source>The down payment cannot be more than the price ({0}).</source>
        <translation>首付不能超过车价（{0}）。</translation>
    </message>
    <message>
        <source>The last 6 months include the last 3: at least {0}.</source>
        <translation>近6个月包含近3个月：至少为 {0}。</translation>
    </message>
    <message>
        <source>Not accepted: {0}</source>
        <translation>无法接受：{0}</translation>
    </message>
</context>
<context>
    <name>ApplicationsPage</name>
    <message>
        <source>The search failed: {0}</source>
        <translation>搜索失败：{0}</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>No application matches.</source>
        <translation>没有符合条件的申请。</translation>
    </message>
    <message>
        <source>{0} applications</source>
        <translation>共 {0} 笔申请</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>公民身份号码</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>手机号</translation>
    </message>
    <message>
        <source>Vehicle</source>
        <translation>车辆</translation>
    </message>
    <message>
        <source>VIN</source>
        <translation>车架号（VIN）</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>车价</translation>
    </message>
    <message>
        <source>Down payment</source>
        <translation>首付</translation>
    </message>
    <message>
        <source>Financed</source>
        <translation>融资金额</translation>
    </message>
    <message>
        <source>Term</source>
        <translation>期限</translation>
    </message>
    <message>
        <source>{0} months</source>
        <translation>{0} 个月</translation>
    </message>
    <message>
        <source>Consultant</source>
        <translation>销售顾问</translation>
    </message>
    <message>
        <source>The new figures are queued: they leave with the next sync and the lessor decides again.</source>
        <translation>新数字已排队：将随下次同步发出，出租人会重新审批。</translation>
    </message>
    <message>
        <source>The signature is queued: it leaves with the next sync, and the signed contract comes back by itself.</source>
        <translation>签名已排队：将随下次同步发出，签署后的合同会自动回传。</translation>
    </message>
    <message>
        <source>The contract is ready at the lessor but not yet on this desk: it arrives with the next sync.</source>
        <translation>出租人已出具合同，但尚未到达本工作台：将随下次同步到达。</translation>
    </message>
    <message>
        <source>The withdrawal is queued and leaves with the next sync.</source>
        <translation>撤回已排队，将随下次同步发出。</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>审批结果</translation>
    </message>
    <message>
        <source>Decision: {0}</source>
        <translation>审批结果：{0}</translation>
    </message>
    <message>
        <source>The lessor says</source>
        <translation>出租人意见</translation>
    </message>
    <message>
        <source>Conditions</source>
        <translation>附加条件</translation>
    </message>
    <message>
        <source>Requote to meet the conditions (e.g. a higher down payment), then submit again.</source>
        <translation>请按条件重新报价（例如提高首付），然后再次提交。</translation>
    </message>
    <message>
        <source>Likely approve</source>
        <translation>可能通过</translation>
    </message>
    <message>
        <source>Likely decline</source>
        <translation>可能拒绝</translation>
    </message>
    <message>
        <source>Refer to a person</source>
        <translation>需人工复核</translation>
    </message>
    <message>
        <source>Pre-score at the desk: band {0}, {1}</source>
        <translation>门店预评分：{0} 档，{1}</translation>
    </message>
    <message>
        <source>PD {0}</source>
        <translation>违约概率 {0}</translation>
    </message>
    <message>
        <source>Advisory only: the lessor decides.</source>
        <translation>仅供参考：以出租人审批为准。</translation>
    </message>
    <message>
        <source>costs the funder {0}</source>
        <translation>出资方成本 {0}</translation>
    </message>
    <message>
        <source>Promotions applied</source>
        <translation>已使用的优惠</translation>
    </message>
    <message>
        <source>Withdraw the application</source>
        <translation>撤回申请</translation>
    </message>
    <message>
        <source>Why is the application withdrawn? The lessor sees this reason.</source>
        <translation>撤回原因是什么？出租人会看到此原因。</translation>
    </message>
    <message>
        <source>Withdrawn. The withdrawal leaves with the next sync.</source>
        <translation>已撤回。撤回将随下次同步发出。</translation>
    </message>
    <message>
        <source>Resubmitted with the new figures: the lessor decides again as soon as they arrive.</source>
        <translation>已按新数字重新提交：出租人收到后会重新审批。</translation>
    </message>
    <message>
        <source>The signed contract is not on this desk yet.</source>
        <translation>签署后的合同尚未到达本工作台。</translation>
    </message>
    <message>
        <source>The contract is not on this desk yet.</source>
        <translation>合同尚未到达本工作台。</translation>
    </message>
    <message>
        <source>The customer has not signed yet: sign in the white box.</source>
        <translation>客户尚未签名：请在白色框内签名。</translation>
    </message>
    <message>
        <source>Type the signer&apos;s name as on the ID card.</source>
        <translation>请输入签署人姓名（与身份证一致）。</translation>
    </message>
    <message>
        <source>Signed on screen. The signature leaves with the next sync; the signed contract comes back by itself.</source>
        <translation>已在屏幕上签署。签名将随下次同步发出，签署后的合同会自动回传。</translation>
    </message>
    <message>
        <source>The signature was not kept: {0}</source>
        <translation>签名未保存：{0}</translation>
    </message>
    <message>
        <source>Applications</source>
        <translation>申请</translation>
    </message>
    <message>
        <source>Every application of this desk. Personal data is masked; showing it is recorded.</source>
        <translation>本工作台的全部申请。个人信息默认脱敏，查看明文会被记录。</translation>
    </message>
    <message>
        <source>Search: name, phone tail, ID number, VIN or reference (Ctrl+F)</source>
        <translation>搜索：姓名、手机尾号、身份证号、车架号或申请编号（Ctrl+F）</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <source>From</source>
        <translation>日期从</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>any day</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>重置</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>申请编号</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>更新时间</translation>
    </message>
    <message>
        <source>Choose an application in the list to see its timeline and what the lessor said.</source>
        <translation>在列表中选择一笔申请，查看其进度和出租人的意见。</translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>Show ID number</source>
        <translation>显示身份证号</translation>
    </message>
    <message>
        <source>Shows the full number; this is recorded in the audit log</source>
        <translation>显示完整号码；此操作会记入审计日志</translation>
    </message>
    <message>
        <source>Show phone</source>
        <translation>显示手机号</translation>
    </message>
    <message>
        <source>Withdraw…</source>
        <translation>撤回…</translation>
    </message>
    <message>
        <source>Requote</source>
        <translation>重新报价</translation>
    </message>
    <message>
        <source>Continue the draft</source>
        <translation>继续填写草稿</translation>
    </message>
    <message>
        <source>Signed contract…</source>
        <translation>已签署合同…</translation>
    </message>
    <message>
        <source>Sign the contract</source>
        <translation>签署合同</translation>
    </message>
</context>
<context>
    <name>Camera</name>
    <message>
        <source>the file is empty</source>
        <translation>文件是空的</translation>
    </message>
    <message>
        <source>it is not an image, or the image is damaged</source>
        <translation>它不是图片，或图片已损坏</translation>
    </message>
    <message>
        <source>the file cannot be opened (moved, deleted or not allowed)</source>
        <translation>文件打不开（已被移动、删除或没有权限）</translation>
    </message>
    <message>
        <source>the PDF is password-protected</source>
        <translation>PDF 有密码保护</translation>
    </message>
    <message>
        <source>the PDF has no pages</source>
        <translation>PDF 没有页面</translation>
    </message>
    <message>
        <source>it is not a readable PDF</source>
        <translation>它不是可读取的 PDF</translation>
    </message>
    <message>
        <source>the PDF holds text or drawings, not a scan: scan the document, or save it as JPG or PNG</source>
        <translation>PDF 里是文字或绘图，不是扫描件：请扫描证件，或另存为 JPG 或 PNG</translation>
    </message>
    <message>
        <source>the scan inside the PDF is damaged</source>
        <translation>PDF 中的扫描图像已损坏</translation>
    </message>
    <message>
        <source>The camera cannot be opened or stopped sending pictures. Check that it is plugged in and not used by another program, or choose another source. You can still import a file.</source>
        <translation>无法打开摄像头，或摄像头已停止传送画面。请检查它是否已连接、是否被其他程序占用，或选择其他来源。您仍可以导入文件。</translation>
    </message>
    <message>
        <source>it is not an image or a PDF scan the desk can read</source>
        <translation>它不是本系统能读取的图片或 PDF 扫描件</translation>
    </message>
    <message>
        <source>{0} cannot be used: {1}. Nothing was saved; choose another file.</source>
        <translation>无法使用 {0}：{1}。未保存任何内容，请选择其他文件。</translation>
    </message>
    <message>
        <source>The picture cannot be used: {0}. Nothing was saved; choose another file or source.</source>
        <translation>无法使用该画面：{0}。未保存任何内容，请选择其他文件或来源。</translation>
    </message>
    <message>
        <source>No known document was recognised in the picture. Lay it flat and fully in view, choose its kind, and try again.</source>
        <translation>画面中没有识别出已知的证件。请将证件平放、完整置于画面内，选择证件类型后重试。</translation>
    </message>
    <message>
        <source>The OCR models are still loading. Try again in a moment.</source>
        <translation>识别模型仍在加载，请稍后重试。</translation>
    </message>
    <message>
        <source>The file or device cannot be read: {0}</source>
        <translation>无法读取文件或设备：{0}</translation>
    </message>
</context>
<context>
    <name>CapturePage</name>
    <message>
        <source>ID card (photo side)</source>
        <translation>身份证人像面</translation>
    </message>
    <message>
        <source>ID card (emblem side)</source>
        <translation>身份证国徽面</translation>
    </message>
    <message>
        <source>Driving licence</source>
        <translation>驾驶证</translation>
    </message>
    <message>
        <source>Vehicle licence</source>
        <translation>行驶证</translation>
    </message>
    <message>
        <source>Business licence</source>
        <translation>营业执照</translation>
    </message>
    <message>
        <source>Bank card</source>
        <translation>银行卡</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>性别</translation>
    </message>
    <message>
        <source>Ethnicity</source>
        <translation>民族</translation>
    </message>
    <message>
        <source>Date of birth</source>
        <translation>出生日期</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>住址</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>公民身份号码</translation>
    </message>
    <message>
        <source>Issuing authority</source>
        <translation>签发机关</translation>
    </message>
    <message>
        <source>Valid from</source>
        <translation>有效期起</translation>
    </message>
    <message>
        <source>Valid until</source>
        <translation>有效期至</translation>
    </message>
    <message>
        <source>Licence number</source>
        <translation>证号</translation>
    </message>
    <message>
        <source>Vehicle class</source>
        <translation>准驾车型</translation>
    </message>
    <message>
        <source>First issued</source>
        <translation>初次领证日期</translation>
    </message>
    <message>
        <source>Plate number</source>
        <translation>号牌号码</translation>
    </message>
    <message>
        <source>Vehicle type</source>
        <translation>车辆类型</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>所有人</translation>
    </message>
    <message>
        <source>VIN</source>
        <translation>车辆识别代号</translation>
    </message>
    <message>
        <source>Engine number</source>
        <translation>发动机号</translation>
    </message>
    <message>
        <source>Registration date</source>
        <translation>注册日期</translation>
    </message>
    <message>
        <source>Unified social credit code</source>
        <translation>统一社会信用代码</translation>
    </message>
    <message>
        <source>Legal representative</source>
        <translation>法定代表人</translation>
    </message>
    <message>
        <source>Registered capital</source>
        <translation>注册资本</translation>
    </message>
    <message>
        <source>Card number</source>
        <translation>卡号</translation>
    </message>
    <message>
        <source>Bank</source>
        <translation>开户银行</translation>
    </message>
    <message>
        <source>Not found on the document</source>
        <translation>未识别到</translation>
    </message>
    <message>
        <source>Not read with certainty: please check</source>
        <translation>识别把握不大，请核对</translation>
    </message>
    <message>
        <source>Wrong format</source>
        <translation>格式不对</translation>
    </message>
    <message>
        <source>Check character does not match: the number is wrong or was misread</source>
        <translation>校验位不符：号码有误或识别错误</translation>
    </message>
    <message>
        <source>Card number check failed</source>
        <translation>卡号校验不通过</translation>
    </message>
    <message>
        <source>This date of birth does not exist</source>
        <translation>出生日期不存在</translation>
    </message>
    <message>
        <source>Unknown region code (possible on old cards)</source>
        <translation>地区代码未知（旧证件可能如此）</translation>
    </message>
    <message>
        <source>Does not match the date of birth in the ID number</source>
        <translation>与身份证号中的出生日期不一致</translation>
    </message>
    <message>
        <source>Does not match the sex in the ID number</source>
        <translation>与身份证号中的性别不一致</translation>
    </message>
    <message>
        <source>Invalid date</source>
        <translation>日期无效</translation>
    </message>
    <message>
        <source>Unclear on the card: read as the date in the ID number, compare with the card</source>
        <translation>证件上不清晰：按身份证号码中的日期读取，请与证件核对</translation>
    </message>
    <message>
        <source>Not legible on the card: taken from the ID number, compare with the card</source>
        <translation>证件上看不清：取自身份证号码，请与证件核对</translation>
    </message>
    <message>
        <source>The document has expired</source>
        <translation>证件已过期</translation>
    </message>
    <message>
        <source>The document is not valid yet</source>
        <translation>证件尚未生效</translation>
    </message>
    <message>
        <source>A VIN never contains I, O or Q</source>
        <translation>车架号不应含 I、O、Q</translation>
    </message>
    <message>
        <source>Ends on a bare number: its last characters may be missing, compare with the card</source>
        <translation>以数字结尾，末尾的字可能未读到，请与证件核对</translation>
    </message>
    <message>
        <source>Document found: hold still</source>
        <translation>已找到证件，请保持不动</translation>
    </message>
    <message>
        <source>Place the document under the camera</source>
        <translation>放入证件</translation>
    </message>
    <message>
        <source>Move closer</source>
        <translation>移近一点</translation>
    </message>
    <message>
        <source>Keep the whole document in view</source>
        <translation>整张证件都要在画面里</translation>
    </message>
    <message>
        <source>Out of focus: hold still</source>
        <translation>对焦不清，请稍停</translation>
    </message>
    <message>
        <source>Reduce glare</source>
        <translation>减少反光</translation>
    </message>
    <message>
        <source>Hold still</source>
        <translation>保持稳定</translation>
    </message>
    <message>
        <source>Too dark: add light</source>
        <translation>光线太暗</translation>
    </message>
    <message>
        <source>{0}:</source>
        <translation>{0}：</translation>
    </message>
    <message>
        <source>Compare it with the document character by character, correct it if needed, then click ✓.</source>
        <translation>请与证件逐字核对，需要时改正，然后点击 ✓。</translation>
    </message>
    <message>
        <source>I checked this value against the document</source>
        <translation>我已与证件核对过此项</translation>
    </message>
    <message>
        <source>How sure the reading is</source>
        <translation>识别的把握程度</translation>
    </message>
    <message>
        <source>Video or image standing in for the camera</source>
        <translation>代替摄像头的视频或图片</translation>
    </message>
    <message>
        <source>Videos and images ({0})</source>
        <translation>视频和图片（{0}）</translation>
    </message>
    <message>
        <source>Starting the camera…</source>
        <translation>正在打开摄像头…</translation>
    </message>
    <message>
        <source>Captured: reading…</source>
        <translation>已拍下，正在识别…</translation>
    </message>
    <message>
        <source>Captured: check the fields</source>
        <translation>已拍下，请核对右侧信息</translation>
    </message>
    <message>
        <source>No picture from the camera</source>
        <translation>摄像头没有画面</translation>
    </message>
    <message>
        <source>Import a document image or scan</source>
        <translation>导入证件图片或扫描件</translation>
    </message>
    <message>
        <source>Images and PDF scans ({0})</source>
        <translation>图片和 PDF 扫描件（{0}）</translation>
    </message>
    <message>
        <source>{0} field(s) to check against the document: correct them or click ✓.</source>
        <translation>还有 {0} 项需要与证件核对：请改正或点击 ✓。</translation>
    </message>
    <message>
        <source>Folder the scanner saves into</source>
        <translation>扫描仪保存文件的文件夹</translation>
    </message>
    <message>
        <source>Scanner folder: {0}. New scans are read one by one.</source>
        <translation>扫描文件夹：{0}。新的扫描件会逐个识别。</translation>
    </message>
    <message>
        <source>{0} waiting.</source>
        <translation>{0} 个待识别。</translation>
    </message>
    <message>
        <source>Loading the OCR models…</source>
        <translation>正在加载识别模型…</translation>
    </message>
    <message>
        <source>Reading…</source>
        <translation>正在识别…</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <source>No document found in the picture: lay it flat, fully in view, and try again.</source>
        <translation>画面中没有找到证件：请将证件平放、完整置于画面内后重试。</translation>
    </message>
    <message>
        <source>Read in {0} ms</source>
        <translation>识别用时 {0} 毫秒</translation>
    </message>
    <message>
        <source>Saved. Lay the next document under the camera.</source>
        <translation>已保存。请放入下一份证件。</translation>
    </message>
    <message>
        <source>Not saved: {0}</source>
        <translation>未保存：{0}</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>证件</translation>
    </message>
    <message>
        <source>Lay the document under the camera: it is taken as soon as it is sharp and still. Check what was read, then confirm (Ctrl+Enter); the next document the customer needs comes up by itself.</source>
        <translation>把证件放到摄像头下：画面清晰稳定时会自动拍下。核对识别结果后确认（Ctrl+Enter）；客户需要的下一份证件会自动接上。</translation>
    </message>
    <message>
        <source>Document:</source>
        <translation>证件：</translation>
    </message>
    <message>
        <source>Source:</source>
        <translation>来源：</translation>
    </message>
    <message>
        <source>Video or image file…</source>
        <translation>视频或图片文件…</translation>
    </message>
    <message>
        <source>Camera {0}</source>
        <translation>摄像头 {0}</translation>
    </message>
    <message>
        <source>Capture now (Space)</source>
        <translation>立即拍摄（空格）</translation>
    </message>
    <message>
        <source>Import file… (Ctrl+O)</source>
        <translation>导入文件…（Ctrl+O）</translation>
    </message>
    <message>
        <source>Scanner folder…</source>
        <translation>扫描文件夹…</translation>
    </message>
    <message>
        <source>Retake (Esc)</source>
        <translation>重拍（Esc）</translation>
    </message>
    <message>
        <source>Confirm document (Ctrl+Enter)</source>
        <translation>确认证件（Ctrl+Enter）</translation>
    </message>
    <message>
        <source>Read from the document</source>
        <translation>证件识别结果</translation>
    </message>
    <message>
        <source>What is read from the document appears here, field by field, with how sure the reading is. Doubtful fields are highlighted until you correct or confirm them.</source>
        <translation>证件上识别出的信息会逐项显示在这里，并注明识别的把握程度。有疑问的项目会高亮显示，直到您改正或确认。</translation>
    </message>
</context>
<context>
    <name>ColumnMappingDialog</name>
    <message>
        <source>Import stock: match the columns</source>
        <translation>导入库存：对应列</translation>
    </message>
    <message>
        <source>Choose which column of {0} holds each field. Fields marked * are required; the others may stay empty.</source>
        <translation>请为每个字段选择 {0} 中对应的列。带 * 的为必填，其余可留空。</translation>
    </message>
    <message>
        <source>(not in the file)</source>
        <translation>（文件中没有）</translation>
    </message>
    <message>
        <source>The first rows of the file (row numbers as in the spreadsheet):</source>
        <translation>文件前几行（行号与表格一致）：</translation>
    </message>
    <message>
        <source>Remember these columns for the next import</source>
        <translation>下次导入时记住这些列</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Choose a column for: {0}.</source>
        <translation>请为以下字段选择列：{0}。</translation>
    </message>
    <message>
        <source>The column {0} is chosen for two fields.</source>
        <translation>列“{0}”被选给了两个字段。</translation>
    </message>
</context>
<context>
    <name>ConsentStep</name>
    <message>
        <source>Consent signed on {0} and kept; the customer may sign again to replace it.</source>
        <translation>授权书已于 {0} 签署并保存；客户可重新签署以替换。</translation>
    </message>
    <message>
        <source>Consent signed and kept with the application.</source>
        <translation>授权书已签署，并随申请保存。</translation>
    </message>
    <message>
        <source>The customer ticks both consents, then signs.</source>
        <translation>请客户勾选两项授权，然后签名。</translation>
    </message>
    <message>
        <source>Waiting for the customer&apos;s signature in the white box.</source>
        <translation>等待客户在白色区域内签名。</translation>
    </message>
    <message>
        <source>Type the signer&apos;s name as on the ID card.</source>
        <translation>请按身份证填写签署人姓名。</translation>
    </message>
    <message>
        <source>Signed: it is kept when you go on.</source>
        <translation>已签名：进入下一步时保存。</translation>
    </message>
    <message>
        <source>Consent</source>
        <translation>授权</translation>
    </message>
    <message>
        <source>Turn the screen to the customer. Each consent is separate, and the customer may refuse either; without both the lessor cannot decide.</source>
        <translation>请将屏幕转向客户。两项授权相互独立，客户可以拒绝任何一项；缺少任何一项，出租人都无法审批。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Consent to the processing of sensitive personal information&lt;/b&gt; (Personal Information Protection Law, Art. 29): I agree that my ID number, ID card images, financial accounts and income are processed by the dealer and the lessor only to assess and manage this finance application, kept no longer than the law requires, and not used for anything else.&lt;br&gt;&lt;br&gt;&lt;b&gt;Credit inquiry authorisation&lt;/b&gt;: I authorise the lessor to query my credit report at the credit reference centre for this application.</source>
        <translation>&lt;b&gt;敏感个人信息处理单独同意&lt;/b&gt;（《个人信息保护法》第二十九条）：本人同意经销商和出租人仅为评估和管理本次融资申请而处理本人的身份证号码、身份证影像、金融账户和收入信息，保存期限不超过法律规定的期限，且不用于任何其他目的。&lt;br&gt;&lt;br&gt;&lt;b&gt;征信查询授权&lt;/b&gt;：本人授权出租人为本次申请向征信中心查询本人的信用报告。</translation>
    </message>
    <message>
        <source>I consent to the processing of my sensitive personal information</source>
        <translation>本人同意处理本人的敏感个人信息</translation>
    </message>
    <message>
        <source>I authorise the credit inquiry</source>
        <translation>本人授权查询征信</translation>
    </message>
    <message>
        <source>Customer signs here (mouse, pen or finger)</source>
        <translation>客户在此签名（鼠标、手写笔或手指）</translation>
    </message>
    <message>
        <source>Signer</source>
        <translation>签署人</translation>
    </message>
    <message>
        <source>Undo stroke</source>
        <translation>撤销一笔</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
</context>
<context>
    <name>ContactStep</name>
    <message>
        <source>Required.</source>
        <translation>必填。</translation>
    </message>
    <message>
        <source>Required: the lessor calls the customer on it.</source>
        <translation>必填：出租人会拨打此号码联系客户。</translation>
    </message>
    <message>
        <source>A mobile number has 11 digits and starts with 13–19.</source>
        <translation>手机号为11位，以13–19开头。</translation>
    </message>
    <message>
        <source>Required: confirm the ID card in step 2, or type it.</source>
        <translation>必填：请在第2步确认身份证，或手动填写。</translation>
    </message>
    <message>
        <source>17 digits and a last digit or X.</source>
        <translation>17位数字，最后一位为数字或X。</translation>
    </message>
    <message>
        <source>The check character is wrong: compare the number with the card.</source>
        <translation>校验位不正确：请与证件核对号码。</translation>
    </message>
    <message>
        <source>Check character correct.</source>
        <translation>校验位正确。</translation>
    </message>
    <message>
        <source>18 characters, from the business licence.</source>
        <translation>18位，见营业执照。</translation>
    </message>
    <message>
        <source>Required (at most 100 characters).</source>
        <translation>必填（最多100个字符）。</translation>
    </message>
    <message>
        <source>At most 200 characters.</source>
        <translation>最多200个字符。</translation>
    </message>
    <message>
        <source>Contact</source>
        <translation>联系方式</translation>
    </message>
    <message>
        <source>Filled from the confirmed documents; type the mobile number. For a company, name and ID number are the legal representative&apos;s.</source>
        <translation>已根据确认的证件填写；请输入手机号。企业客户的姓名和身份证号为法定代表人的。</translation>
    </message>
    <message>
        <source>Filled from the confirmed ID card; type the mobile number.</source>
        <translation>已根据确认的身份证填写；请输入手机号。</translation>
    </message>
    <message>
        <source>Company name</source>
        <translation>企业名称</translation>
    </message>
    <message>
        <source>Unified social credit code</source>
        <translation>统一社会信用代码</translation>
    </message>
    <message>
        <source>Legal representative</source>
        <translation>法定代表人</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>公民身份号码</translation>
    </message>
    <message>
        <source>Mobile</source>
        <translation>手机号</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>住址</translation>
    </message>
    <message>
        <source>e.g. 13812345678</source>
        <translation>例如 13812345678</translation>
    </message>
</context>
<context>
    <name>ContractViewDialog</name>
    <message>
        <source>Signed contract {0}</source>
        <translation>已签署合同 {0}</translation>
    </message>
    <message>
        <source>This desk cannot show PDF files: save a copy and open it.</source>
        <translation>本工作台无法显示PDF文件：请保存副本后打开。</translation>
    </message>
    <message>
        <source>Print… (Ctrl+P)</source>
        <translation>打印… (Ctrl+P)</translation>
    </message>
    <message>
        <source>Save a copy…</source>
        <translation>保存副本…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>the printer could not be opened</source>
        <translation>无法打开打印机</translation>
    </message>
    <message>
        <source>Not printed: {0}</source>
        <translation>未打印：{0}</translation>
    </message>
    <message>
        <source>{0} page(s) sent to the printer.</source>
        <translation>已将 {0} 页发送到打印机。</translation>
    </message>
    <message>
        <source>Save a copy of the signed contract</source>
        <translation>保存已签署合同的副本</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Not saved: {0} Choose another folder.</source>
        <translation>未保存：{0} 请选择其他文件夹。</translation>
    </message>
    <message>
        <source>Saved to {0}.</source>
        <translation>已保存到 {0}。</translation>
    </message>
</context>
<context>
    <name>Crash</name>
    <message>
        <source>Something went wrong</source>
        <translation>出错了</translation>
    </message>
    <message>
        <source>An unexpected error stopped this action. Everything saved before it is kept.</source>
        <translation>一个意外错误中断了本次操作。此前已保存的内容都还在。</translation>
    </message>
    <message>
        <source>What happened: {0}

The details are in the log file:
{1}

Send that file to support if it happens again.</source>
        <translation>发生了什么：{0}

详细信息在日志文件中：
{1}

如果再次出现，请把该文件发给技术支持。</translation>
    </message>
</context>
<context>
    <name>CustomerStep</name>
    <message>
        <source>Who is applying?</source>
        <translation>申请人是谁？</translation>
    </message>
    <message>
        <source>Keys 1, 2, 3 choose; Ctrl+PgDown goes on. The documents to capture follow from the choice.</source>
        <translation>按 1、2、3 选择；Ctrl+PgDown 进入下一步。需要采集的证件取决于此选择。</translation>
    </message>
    <message>
        <source>1  Individual</source>
        <translation>1  个人</translation>
    </message>
    <message>
        <source>A private buyer: ID card, both sides.</source>
        <translation>个人购车：身份证正反两面。</translation>
    </message>
    <message>
        <source>2  Company or fleet</source>
        <translation>2  企业或车队</translation>
    </message>
    <message>
        <source>Business licence, and the legal representative&apos;s ID card.</source>
        <translation>营业执照，以及法定代表人的身份证。</translation>
    </message>
    <message>
        <source>3  Farmer</source>
        <translation>3  农户</translation>
    </message>
    <message>
        <source>ID card, both sides; seasonal plans for farm machinery.</source>
        <translation>身份证正反两面；农机可选季节性还款。</translation>
    </message>
    <message>
        <source>Unfinished drafts (a crash or a power cut loses nothing): continue one?</source>
        <translation>未完成的草稿（死机或断电都不会丢失）：要继续其中一份吗？</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
</context>
<context>
    <name>DeskPage</name>
    <message>
        <source>Desk</source>
        <translation>工作台</translation>
    </message>
    <message>
        <source>Hello, {0}. Here is the day at a glance.</source>
        <translation>{0}，您好。今天的情况一目了然。</translation>
    </message>
    <message>
        <source>The figures could not be read: {0}</source>
        <translation>无法读取统计数据：{0}</translation>
    </message>
    <message>
        <source>Recent applications</source>
        <translation>最近的申请</translation>
    </message>
    <message>
        <source>New application (Ctrl+N)</source>
        <translation>新建申请 (Ctrl+N)</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>申请编号</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Vehicle</source>
        <translation>车辆</translation>
    </message>
    <message>
        <source>Financed</source>
        <translation>融资金额</translation>
    </message>
    <message>
        <source>Term</source>
        <translation>期限</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>更新时间</translation>
    </message>
    <message>
        <source>New applications today</source>
        <translation>今日新建申请</translation>
    </message>
    <message>
        <source>Waiting for the lessor</source>
        <translation>等待出租人审批</translation>
    </message>
    <message>
        <source>Approved, to be signed</source>
        <translation>已批准，待签约</translation>
    </message>
    <message>
        <source>Vehicles in stock, {0} over {1} days</source>
        <translation>在库车辆，其中 {0} 辆超过 {1} 天</translation>
    </message>
    <message>
        <source>Waiting to be sent</source>
        <translation>待发送</translation>
    </message>
    <message>
        <source>Waiting to be sent, {0} need attention</source>
        <translation>待发送，{0} 条需要处理</translation>
    </message>
    <message>
        <source>Needs action</source>
        <translation>待处理</translation>
    </message>
    <message>
        <source>Conditional approvals to requote: {0}</source>
        <translation>附条件批准，需重新报价：{0}</translation>
    </message>
    <message>
        <source>Contracts ready to sign: {0}</source>
        <translation>合同已就绪，待签：{0}</translation>
    </message>
    <message>
        <source>Refused by the lessor, see Sync: {0}</source>
        <translation>资方退回的数据（请到同步页处理）：{0}</translation>
    </message>
    <message>
        <source>… all {0}</source>
        <translation>… 全部 {0} 笔</translation>
    </message>
    <message>
        <source>Nothing is waiting for you.</source>
        <translation>目前没有待处理的事项。</translation>
    </message>
    <message>
        <source>{0} months</source>
        <translation>{0} 期</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>User name or password is wrong. Check both and try again.</source>
        <translation>用户名或密码不正确，请核对后重试。</translation>
    </message>
    <message>
        <source>Enter a user name without spaces (at most 64 characters).</source>
        <translation>请输入不含空格的用户名（最多 64 个字符）。</translation>
    </message>
    <message>
        <source>This user name is already taken: choose another one.</source>
        <translation>该用户名已被使用，请换一个。</translation>
    </message>
    <message>
        <source>The password needs at least 8 characters.</source>
        <translation>密码至少需要 8 个字符。</translation>
    </message>
    <message>
        <source>The password needs both letters and digits.</source>
        <translation>密码需要同时包含字母和数字。</translation>
    </message>
    <message>
        <source>Too many wrong passwords: this account is locked for 5 minutes. A manager can help if you forgot the password.</source>
        <translation>密码错误次数过多，该账户已锁定 5 分钟。如忘记密码，请联系经理。</translation>
    </message>
    <message>
        <source>The passphrase does not open the key file. Check it and try again.</source>
        <translation>口令无法打开密钥文件，请核对后重试。</translation>
    </message>
    <message>
        <source>Enter the passphrase of the key file that protects the customer data.</source>
        <translation>请输入保护客户数据的密钥文件口令。</translation>
    </message>
    <message>
        <source>This database was written by a newer version of Showroom Finance Desk. This version cannot open it and left it untouched: install the newer version again.</source>
        <translation>该数据库由更新版本的展厅金融工作台写入，本版本无法打开，已原样保留。请重新安装较新的版本。</translation>
    </message>
    <message>
        <source>The database file cannot be read. It was left untouched: restore it from a backup, or move it away to start a new one.</source>
        <translation>数据库文件无法读取，已原样保留。请从备份恢复，或将其移走后重新开始。</translation>
    </message>
    <message>
        <source>The key that protects the customer data could not be loaded or stored. Nothing was changed.</source>
        <translation>无法读取或保存保护客户数据的密钥，未做任何更改。</translation>
    </message>
    <message>
        <source>The database is busy with another task. Nothing was lost; try again in a moment.</source>
        <translation>数据库正忙于其他任务。数据没有丢失，请稍后重试。</translation>
    </message>
    <message>
        <source>This application has already gone to the lessor, so it can no longer be changed here. Its status comes from the lessor; withdraw it and make a new one if something is wrong.</source>
        <translation>该申请已提交给出租人，不能再在本地修改。其状态以出租人为准；如有错误，请撤回后重新创建申请。</translation>
    </message>
    <message>
        <source>This cannot be done in the item&apos;s current state. Refresh the page and try again.</source>
        <translation>当前状态下无法执行此操作。请刷新页面后重试。</translation>
    </message>
    <message>
        <source>This data folder belongs to a real desk, so no demo data was added.</source>
        <translation>该数据文件夹属于正式使用的工作台，因此未添加演示数据。</translation>
    </message>
    <message>
        <source>Details: {0}</source>
        <translation>详细信息：{0}</translation>
    </message>
    <message>
        <source>Your role does not allow this. Ask a manager or an administrator.</source>
        <translation>您的角色无权执行此操作，请联系经理或管理员。</translation>
    </message>
    <message>
        <source>Unexpected error: {0}</source>
        <translation>意外错误：{0}</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <source>First start — Showroom Finance Desk</source>
        <translation>首次启动 — 展厅金融工作台</translation>
    </message>
    <message>
        <source>Welcome</source>
        <translation>欢迎</translation>
    </message>
    <message>
        <source>Create the administrator account for this desk. The administrator adds consultants and managers later, in Settings.</source>
        <translation>请为本工作台创建管理员账户。之后由管理员在“设置”中添加销售顾问和经理。</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Your name</source>
        <translation>您的姓名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Repeat password</source>
        <translation>再次输入密码</translation>
    </message>
    <message>
        <source>Create administrator</source>
        <translation>创建管理员</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>The two passwords differ. Type them again.</source>
        <translation>两次输入的密码不一致，请重新输入。</translation>
    </message>
</context>
<context>
    <name>ImportReportDialog</name>
    <message>
        <source>Stock import</source>
        <translation>库存导入</translation>
    </message>
    <message>
        <source>{0} vehicles added, {1} updated. {2} rows with a warning (kept), {3} rows not imported.</source>
        <translation>新增 {0} 辆，更新 {1} 辆。{2} 行有提示（已导入），{3} 行未导入。</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <source>VIN</source>
        <translation>车架号</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Not imported</source>
        <translation>未导入</translation>
    </message>
    <message>
        <source>Imported, check</source>
        <translation>已导入，请核对</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>New application</source>
        <translation>新建申请</translation>
    </message>
    <message>
        <source>Applications</source>
        <translation>申请</translation>
    </message>
    <message>
        <source>Stock &amp; promotions</source>
        <translation>库存与促销</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>报表</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <source>Showroom Finance Desk</source>
        <translation>展厅金融工作台</translation>
    </message>
    <message>
        <source>The lessor&apos;s decision arrived</source>
        <translation>资方审批结果已到</translation>
    </message>
    <message>
        <source>{0} decisions arrived</source>
        <translation>收到 {0} 个审批结果</translation>
    </message>
    <message>
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
    <message>
        <source>Desk</source>
        <translation>工作台</translation>
    </message>
    <message>
        <source>Quote</source>
        <translation>报价</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Signed in: {0} ({1})</source>
        <translation>当前用户：{0}（{1}）</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <source>Send what is waiting and fetch the lessor&apos;s decisions now</source>
        <translation>立即发送待发数据并获取出租人的审批结果</translation>
    </message>
    <message>
        <source>Outbox: …</source>
        <translation>发件队列：…</translation>
    </message>
    <message>
        <source>Syncing: {0} to send</source>
        <translation>同步中：{0} 条待发送</translation>
    </message>
    <message>
        <source>Outbox: {0} waiting</source>
        <translation>发件队列：{0} 条待发送</translation>
    </message>
    <message>
        <source>{0} need attention</source>
        <translation>{0} 条需要处理</translation>
    </message>
    <message>
        <source>not getting through: see Sync</source>
        <translation>发送不出去：请查看“同步”</translation>
    </message>
    <message>
        <source>Central: checking…</source>
        <translation>中心系统：检测中…</translation>
    </message>
    <message>
        <source>Central: not configured</source>
        <translation>中心系统：未配置</translation>
    </message>
    <message>
        <source>● Central: online</source>
        <translation>● 中心系统：在线</translation>
    </message>
    <message>
        <source>● Central: offline — work is kept and sent later</source>
        <translation>● 中心系统：离线 — 数据已保存，联网后自动发送</translation>
    </message>
</context>
<context>
    <name>NewApplicationPage</name>
    <message>
        <source>Correct the marked field first: {0}.</source>
        <translation>请先更正标出的栏目：{0}。</translation>
    </message>
    <message>
        <source>The draft could not be started: {0}</source>
        <translation>无法新建草稿：{0}</translation>
    </message>
    <message>
        <source>The draft could not be reopened: {0}</source>
        <translation>无法重新打开草稿：{0}</translation>
    </message>
    <message>
        <source>Draft {0} reopened where it was left.</source>
        <translation>草稿 {0} 已从上次离开处重新打开。</translation>
    </message>
    <message>
        <source>Attach a proof of income</source>
        <translation>附上收入证明</translation>
    </message>
    <message>
        <source>Photos, scans and PDF files (*.jpg *.jpeg *.png *.pdf)</source>
        <translation>照片、扫描件和PDF文件 (*.jpg *.jpeg *.png *.pdf)</translation>
    </message>
    <message>
        <source>Not saved: {0} What you entered is still on screen; go back to the step and on again to retry.</source>
        <translation>未保存：{0} 您输入的内容仍在屏幕上；返回该步骤再前进即可重试。</translation>
    </message>
    <message>
        <source>The check before submitting failed: {0} Open the step again to retry.</source>
        <translation>提交前的检查失败：{0} 请重新打开此步骤重试。</translation>
    </message>
    <message>
        <source>Application</source>
        <translation>申请</translation>
    </message>
    <message>
        <source>Customer type</source>
        <translation>客户类型</translation>
    </message>
    <message>
        <source>Company</source>
        <translation>企业</translation>
    </message>
    <message>
        <source>Applicant</source>
        <translation>申请人</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>公民身份号码</translation>
    </message>
    <message>
        <source>Mobile</source>
        <translation>手机号</translation>
    </message>
    <message>
        <source>Vehicle</source>
        <translation>车辆</translation>
    </message>
    <message>
        <source>Price / down payment</source>
        <translation>车价 / 首付</translation>
    </message>
    <message>
        <source>Term / monthly payment</source>
        <translation>期限 / 月供</translation>
    </message>
    <message>
        <source>{0} months / {1}</source>
        <translation>{0} 个月 / {1}</translation>
    </message>
    <message>
        <source>APR (all fees)</source>
        <translation>年化利率（含全部费用）</translation>
    </message>
    <message>
        <source>Vehicle {0}</source>
        <translation>车辆 {0}</translation>
    </message>
    <message>
        <source>{0} {1} · {2} · {3} down, {4} months, {5} a month</source>
        <translation>{0} {1} · {2} · 首付 {3}，{4} 个月，月供 {5}</translation>
    </message>
    <message>
        <source>Pre-score (advisory)</source>
        <translation>预审（仅供参考）</translation>
    </message>
    <message>
        <source>signed</source>
        <translation>已签署</translation>
    </message>
    <message>
        <source>not yet</source>
        <translation>尚未签署</translation>
    </message>
    <message>
        <source>Capture: {0}</source>
        <translation>采集：{0}</translation>
    </message>
    <message>
        <source>The applicant&apos;s name and ID number</source>
        <translation>申请人姓名和身份证号</translation>
    </message>
    <message>
        <source>The ID number</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <source>The ID number&apos;s check character is wrong: compare it with the card</source>
        <translation>身份证号校验位不正确：请与证件核对</translation>
    </message>
    <message>
        <source>The mobile number</source>
        <translation>手机号</translation>
    </message>
    <message>
        <source>The company&apos;s name</source>
        <translation>企业名称</translation>
    </message>
    <message>
        <source>The unified social credit code</source>
        <translation>统一社会信用代码</translation>
    </message>
    <message>
        <source>A valid plan on the quote step</source>
        <translation>报价步骤中的有效方案</translation>
    </message>
    <message>
        <source>The vehicle&apos;s VIN (17 characters)</source>
        <translation>车辆识别代号（17位）</translation>
    </message>
    <message>
        <source>The vehicle&apos;s make and model</source>
        <translation>车辆品牌和型号</translation>
    </message>
    <message>
        <source>The monthly income</source>
        <translation>月收入</translation>
    </message>
    <message>
        <source>The customer&apos;s signed consent</source>
        <translation>客户签署的授权书</translation>
    </message>
    <message>
        <source>A VIN among the other vehicles</source>
        <translation>其他车辆中的车架号</translation>
    </message>
    <message>
        <source>The same vehicle twice in the application</source>
        <translation>同一辆车在申请中出现了两次</translation>
    </message>
    <message>
        <source>Several vehicles: only for a company</source>
        <translation>多辆车：仅限企业客户</translation>
    </message>
    <message>
        <source>Saving… submit again in a moment.</source>
        <translation>正在保存…请稍后再次提交。</translation>
    </message>
    <message>
        <source>Submitting…</source>
        <translation>正在提交…</translation>
    </message>
    <message>
        <source>{0} is queued: it goes to the lessor as soon as the network allows, with {1} document(s). The decision shows on the Desk and the Applications page.</source>
        <translation>{0} 已排队：网络可用时将连同 {1} 份证件发送给出租人。审批结果会显示在工作台和申请页面。</translation>
    </message>
    <message>
        <source>The other vehicles go as {0}, each decided on its own.</source>
        <translation>其他车辆以 {0} 发送，分别审批。</translation>
    </message>
    <message>
        <source>Not submitted: something is still missing (listed above, each with a link to its step). Nothing was lost.</source>
        <translation>未提交：仍有缺少的项目（见上方列表，点击可前往对应步骤）。没有丢失任何内容。</translation>
    </message>
    <message>
        <source>Not submitted: {0} Nothing was lost; correct it and submit again.</source>
        <translation>未提交：{0} 没有丢失任何内容；更正后再次提交即可。</translation>
    </message>
    <message>
        <source>Saving the draft…</source>
        <translation>正在保存草稿…</translation>
    </message>
    <message>
        <source>Draft saved.</source>
        <translation>草稿已保存。</translation>
    </message>
    <message>
        <source>Draft {0}</source>
        <translation>草稿 {0}</translation>
    </message>
    <message>
        <source>New draft</source>
        <translation>新草稿</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>证件</translation>
    </message>
    <message>
        <source>Contact</source>
        <translation>联系方式</translation>
    </message>
    <message>
        <source>Vehicle &amp; quote</source>
        <translation>车辆与报价</translation>
    </message>
    <message>
        <source>Income &amp; pre-score</source>
        <translation>收入与预审</translation>
    </message>
    <message>
        <source>Consent</source>
        <translation>授权</translation>
    </message>
    <message>
        <source>Review &amp; submit</source>
        <translation>核对与提交</translation>
    </message>
    <message>
        <source>Alt+{0}; Ctrl+PgUp / Ctrl+PgDown move between steps</source>
        <translation>Alt+{0}；Ctrl+PgUp / Ctrl+PgDown 在各步骤间切换</translation>
    </message>
    <message>
        <source>◂ Back</source>
        <translation>◂ 上一步</translation>
    </message>
    <message>
        <source>Next ▸ (Ctrl+PgDn)</source>
        <translation>下一步 ▸ (Ctrl+PgDn)</translation>
    </message>
</context>
<context>
    <name>Offers</name>
    <message>
        <source>New car</source>
        <translation>新车</translation>
    </message>
    <message>
        <source>Used car</source>
        <translation>二手车</translation>
    </message>
    <message>
        <source>New-energy vehicle</source>
        <translation>新能源车</translation>
    </message>
    <message>
        <source>Commercial vehicle</source>
        <translation>商用车</translation>
    </message>
    <message>
        <source>Tractor</source>
        <translation>拖拉机</translation>
    </message>
    <message>
        <source>Construction machinery</source>
        <translation>工程机械</translation>
    </message>
    <message>
        <source>In stock</source>
        <translation>在库</translation>
    </message>
    <message>
        <source>Reserved</source>
        <translation>已预订</translation>
    </message>
    <message>
        <source>Sold</source>
        <translation>已售</translation>
    </message>
    <message>
        <source>individuals</source>
        <translation>个人客户</translation>
    </message>
    <message>
        <source>fleets</source>
        <translation>车队客户</translation>
    </message>
    <message>
        <source>farmers</source>
        <translation>农户</translation>
    </message>
    <message>
        <source>the dealer</source>
        <translation>经销商</translation>
    </message>
    <message>
        <source>the manufacturer</source>
        <translation>厂家</translation>
    </message>
    <message>
        <source>the lessor</source>
        <translation>出租人</translation>
    </message>
    <message>
        <source>Dealer</source>
        <translation>经销商</translation>
    </message>
    <message>
        <source>Central campaign</source>
        <translation>总部活动</translation>
    </message>
    <message>
        <source>down payment from {0}</source>
        <translation>首付低至 {0}</translation>
    </message>
    <message>
        <source>subsidised rate {0}</source>
        <translation>贴息利率 {0}</translation>
    </message>
    <message>
        <source>{0} waived</source>
        <translation>免{0}</translation>
    </message>
    <message>
        <source>terms up to {0} months</source>
        <translation>期限最长 {0} 个月</translation>
    </message>
    <message>
        <source>gift: {0} (worth {1})</source>
        <translation>赠送：{0}（价值 {1}）</translation>
    </message>
    <message>
        <source>gift: {0}</source>
        <translation>赠送：{0}</translation>
    </message>
    <message>
        <source>make {0}</source>
        <translation>品牌 {0}</translation>
    </message>
    <message>
        <source>model {0}</source>
        <translation>车型 {0}</translation>
    </message>
    <message>
        <source>new-energy only</source>
        <translation>仅新能源车</translation>
    </message>
    <message>
        <source>no new-energy vehicles</source>
        <translation>不含新能源车</translation>
    </message>
    <message>
        <source>model year {0}–{1}</source>
        <translation>年款 {0}–{1}</translation>
    </message>
    <message>
        <source>model year {0} or later</source>
        <translation>年款 {0} 及以后</translation>
    </message>
    <message>
        <source>model year {0} or earlier</source>
        <translation>年款 {0} 及以前</translation>
    </message>
    <message>
        <source>price from {0}</source>
        <translation>车价不低于 {0}</translation>
    </message>
    <message>
        <source>price up to {0}</source>
        <translation>车价不高于 {0}</translation>
    </message>
    <message>
        <source>in stock {0}+ days</source>
        <translation>库龄 {0} 天以上</translation>
    </message>
    <message>
        <source>{0}+ of the same model in stock</source>
        <translation>同款库存 {0} 台以上</translation>
    </message>
    <message>
        <source>for {0}</source>
        <translation>适用于{0}</translation>
    </message>
    <message>
        <source>with {0}</source>
        <translation>限{0}</translation>
    </message>
    <message>
        <source>valid {0} to {1}</source>
        <translation>有效期 {0} 至 {1}</translation>
    </message>
    <message>
        <source>every vehicle</source>
        <translation>所有车辆</translation>
    </message>
    <message>
        <source>rate from {0}</source>
        <translation>利率低至 {0}</translation>
    </message>
    <message>
        <source>not combined with a higher-priority offer</source>
        <translation>不与更高优先级的优惠同享</translation>
    </message>
    <message>
        <source>another offer applies alone</source>
        <translation>另一项优惠独享</translation>
    </message>
    <message>
        <source>another offer gives more</source>
        <translation>另一项优惠更优惠</translation>
    </message>
</context>
<context>
    <name>PassphraseDialog</name>
    <message>
        <source>Data key — Showroom Finance Desk</source>
        <translation>数据密钥 — 展厅金融工作台</translation>
    </message>
    <message>
        <source>This computer has no system keyring, so customer data is protected by a key file with a passphrase. Choose a passphrase and keep it safe: without it the data cannot be read.</source>
        <translation>这台电脑没有系统密钥环，客户数据将由带口令的密钥文件保护。请设置口令并妥善保管：没有口令将无法读取数据。</translation>
    </message>
    <message>
        <source>Customer data on this desk is protected by a passphrase. Enter it to open the desk.</source>
        <translation>本工作台的客户数据受口令保护，请输入口令以打开工作台。</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>口令</translation>
    </message>
    <message>
        <source>Repeat passphrase</source>
        <translation>再次输入口令</translation>
    </message>
    <message>
        <source>Use at least 8 characters.</source>
        <translation>口令至少需要 8 个字符。</translation>
    </message>
    <message>
        <source>The two passphrases differ.</source>
        <translation>两次输入的口令不一致。</translation>
    </message>
    <message>
        <source>Enter the passphrase.</source>
        <translation>请输入口令。</translation>
    </message>
</context>
<context>
    <name>PlanColumn</name>
    <message>
        <source>Monthly</source>
        <translation>按月还款</translation>
    </message>
    <message>
        <source>Seasonal (farm machinery)</source>
        <translation>季节性还款</translation>
    </message>
    <message>
        <source>Step-up / step-down</source>
        <translation>阶梯还款</translation>
    </message>
    <message>
        <source>Interest-only first</source>
        <translation>先息后本</translation>
    </message>
    <message>
        <source>{0} months</source>
        <translation>{0} 个月</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>{0} nominal
{1} effective</source>
        <translation>名义 {0}
实际 {1}</translation>
    </message>
    <message>
        <source>The last payment includes the balloon of {0}.</source>
        <translation>最后一期含尾款 {0}。</translation>
    </message>
    <message>
        <source>Offers on this vehicle ({0})</source>
        <translation>本车优惠（{0} 项）</translation>
    </message>
    <message>
        <source>Standard: {0} a month, APR {1}</source>
        <translation>标准方案：月供 {0}，年化利率 {1}</translation>
    </message>
    <message>
        <source>Customer saves {0} a month, {1} interest, {2} fees</source>
        <translation>客户每月省 {0}，利息省 {1}，费用省 {2}</translation>
    </message>
    <message>
        <source>Cost to the dealer: {0}</source>
        <translation>经销商成本：{0}</translation>
    </message>
    <message>
        <source>paid by {0}: {1}</source>
        <translation>{0}承担：{1}</translation>
    </message>
    <message>
        <source>Plan {0}</source>
        <translation>方案 {0}</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>产品</translation>
    </message>
    <message>
        <source>Down payment</source>
        <translation>首付</translation>
    </message>
    <message>
        <source>Term</source>
        <translation>期限</translation>
    </message>
    <message>
        <source>Repayment</source>
        <translation>还款方式</translation>
    </message>
    <message>
        <source>Fees</source>
        <translation>费用</translation>
    </message>
    <message>
        <source>Balloon</source>
        <translation>尾款</translation>
    </message>
    <message>
        <source>Payment pattern</source>
        <translation>还款节奏</translation>
    </message>
    <message>
        <source>every </source>
        <translation>每 </translation>
    </message>
    <message>
        <source> payments</source>
        <translation> 期</translation>
    </message>
    <message>
        <source>Payment factor at each step: above 1 steps up (e.g. 1.10), below 1 steps down (e.g. 0.90)</source>
        <translation>每次阶梯的月供倍数：大于 1 为递增（如 1.10），小于 1 为递减（如 0.90）</translation>
    </message>
    <message>
        <source> months interest only</source>
        <translation> 个月只付息</translation>
    </message>
    <message>
        <source>Pay in</source>
        <translation>付款月份</translation>
    </message>
    <message>
        <source>Signed</source>
        <translation>签约日</translation>
    </message>
    <message>
        <source>Contract date: the term ends in its calendar month, which must be a payment month</source>
        <translation>签约日期：期限在该日期所在的月份结束，该月份必须是付款月份</translation>
    </message>
    <message>
        <source>Calendar months with a payment (e.g. after the harvests)</source>
        <translation>有还款的月份（如收获之后）</translation>
    </message>
    <message>
        <source>Down payment as an amount (¥) or as a share of the price (%)</source>
        <translation>首付按金额（¥）或按车价比例（%）填写</translation>
    </message>
    <message>
        <source>Finance the fees (where allowed)</source>
        <translation>费用计入融资（限可融资项）</translation>
    </message>
    <message>
        <source>Monthly payment</source>
        <translation>月供</translation>
    </message>
    <message>
        <source>Annualized rate (APR)</source>
        <translation>年化利率（APR）</translation>
    </message>
    <message>
        <source>Total interest</source>
        <translation>利息合计</translation>
    </message>
    <message>
        <source>Fees total</source>
        <translation>费用合计</translation>
    </message>
    <message>
        <source>Total cost (interest + fees)</source>
        <translation>总成本（利息+费用）</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Remove this plan</source>
        <translation>移除此方案</translation>
    </message>
    <message>
        <source>Equal instalment</source>
        <translation>等额本息</translation>
    </message>
    <message>
        <source>Equal principal</source>
        <translation>等额本金</translation>
    </message>
</context>
<context>
    <name>PlannedPage</name>
    <message>
        <source>Applications</source>
        <translation>申请</translation>
    </message>
    <message>
        <source>Every application of this desk, searchable, with its status timeline and the lessor&apos;s decision.</source>
        <translation>本工作台的全部申请，可搜索，并显示状态时间线和出租人的审批结果。</translation>
    </message>
    <message>
        <source>Search by name, phone tail, ID number, VIN, status and date (Ctrl+F)</source>
        <translation>按姓名、手机尾号、身份证号、车架号、状态和日期搜索 (Ctrl+F)</translation>
    </message>
    <message>
        <source>Status timeline from draft to funded, with the lessor&apos;s reasons and conditions</source>
        <translation>从草稿到放款的状态时间线，附出租人的理由和条件</translation>
    </message>
    <message>
        <source>Contract signing on screen when the contract is ready</source>
        <translation>合同就绪后在屏幕上签约</translation>
    </message>
    <message>
        <source>Stock &amp; promotions</source>
        <translation>库存与促销</translation>
    </message>
    <message>
        <source>The dealer&apos;s vehicles and the financing offers that aged or overstocked vehicles trigger.</source>
        <translation>经销商的车辆，以及库龄长或库存多的车辆触发的金融优惠。</translation>
    </message>
    <message>
        <source>Import from the DMS (CSV or Excel) with VIN checks</source>
        <translation>从 DMS 导入（CSV 或 Excel），校验车架号</translation>
    </message>
    <message>
        <source>Days in stock, status, and the best offer per vehicle</source>
        <translation>库龄、状态及每辆车的最优方案</translation>
    </message>
    <message>
        <source>Promotion rules edited by managers: lower down payment, subsidised rate, fee waiver</source>
        <translation>由经理维护的促销规则：降低首付、贴息、免手续费</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>报表</translation>
    </message>
    <message>
        <source>What sells, what gets approved and what the stock costs, from the local data, offline.</source>
        <translation>基于本地数据离线查看：什么车好卖、什么能获批、库存成本多少。</translation>
    </message>
    <message>
        <source>Your own numbers: applications, approvals and signatures.</source>
        <translation>您本人的数据：申请、获批和签约。</translation>
    </message>
    <message>
        <source>Funnel from draft to funded, approval rates, time to decision</source>
        <translation>从草稿到放款的漏斗、审批通过率、审批时长</translation>
    </message>
    <message>
        <source>Promotion uptake and cost, stock aging</source>
        <translation>促销使用情况与成本、库龄分析</translation>
    </message>
    <message>
        <source>Exports to Excel, CSV and PDF, with personal data masked</source>
        <translation>导出为 Excel、CSV 和 PDF，个人信息已脱敏</translation>
    </message>
    <message>
        <source>Coming to this page:</source>
        <translation>本页即将提供：</translation>
    </message>
</context>
<context>
    <name>PreScorePanel</name>
    <message>
        <source>Loading the pre-score models…</source>
        <translation>正在加载预审模型…</translation>
    </message>
    <message>
        <source>No pre-score yet. To get one:</source>
        <translation>暂无预审结果。还需：</translation>
    </message>
    <message>
        <source>The pre-score is not available on this desk ({0}). You can still save and submit the application: the lessor decides every application.</source>
        <translation>本终端暂时无法预审（{0}）。仍可保存并提交申请：每笔申请均由出租人审批。</translation>
    </message>
    <message>
        <source>Band {0}: {1}</source>
        <translation>等级 {0}：{1}</translation>
    </message>
    <message>
        <source>Estimated probability of default: {0}</source>
        <translation>预估违约概率：{0}</translation>
    </message>
    <message>
        <source>Likely approve</source>
        <translation>可能通过</translation>
    </message>
    <message>
        <source>Likely decline</source>
        <translation>可能拒绝</translation>
    </message>
    <message>
        <source>Refer to a person</source>
        <translation>需人工复核</translation>
    </message>
    <message>
        <source>Declines</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <source>Refers</source>
        <translation>转人工</translation>
    </message>
    <message>
        <source>Policy rules</source>
        <translation>政策规则</translation>
    </message>
    <message>
        <source>nothing notable</source>
        <translation>无明显因素</translation>
    </message>
    <message>
        <source>Model {0}</source>
        <translation>模型 {0}</translation>
    </message>
    <message>
        <source>very low risk</source>
        <translation>风险很低</translation>
    </message>
    <message>
        <source>low risk</source>
        <translation>风险较低</translation>
    </message>
    <message>
        <source>medium risk</source>
        <translation>风险中等</translation>
    </message>
    <message>
        <source>high risk</source>
        <translation>风险较高</translation>
    </message>
    <message>
        <source>very high risk</source>
        <translation>风险很高</translation>
    </message>
    <message>
        <source>Pre-score</source>
        <translation>预审</translation>
    </message>
    <message>
        <source>What raised the risk</source>
        <translation>风险上升因素</translation>
    </message>
    <message>
        <source>What lowered the risk</source>
        <translation>风险下降因素</translation>
    </message>
    <message>
        <source>Advisory only: the lessor makes the decision.</source>
        <translation>预审仅供参考，最终以出租人审批为准。</translation>
    </message>
</context>
<context>
    <name>QuotePage</name>
    <message>
        <source>Quote</source>
        <translation>报价</translation>
    </message>
    <message>
        <source>Compare up to three plans for the customer. The annualized rate includes every fee.</source>
        <translation>为客户并排比较最多三个方案。年化利率已包含全部费用。</translation>
    </message>
    <message>
        <source>Vehicle</source>
        <translation>车辆</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>车价</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>车辆类别</translation>
    </message>
    <message>
        <source>Add plan</source>
        <translation>添加方案</translation>
    </message>
    <message>
        <source>Best plan for this vehicle (Ctrl+B)</source>
        <translation>本车最优方案 (Ctrl+B)</translation>
    </message>
    <message>
        <source>The plan that costs the customer least with the offers this vehicle has, over every product and term</source>
        <translation>在所有产品和期限中，结合本车优惠，找出客户总成本最低的方案</translation>
    </message>
    <message>
        <source>Repayment schedule</source>
        <translation>还款计划</translation>
    </message>
    <message>
        <source>Export PDF… (Ctrl+P)</source>
        <translation>导出 PDF…（Ctrl+P）</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>期数</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>还款日</translation>
    </message>
    <message>
        <source>Payment</source>
        <translation>月供</translation>
    </message>
    <message>
        <source>Principal</source>
        <translation>本金</translation>
    </message>
    <message>
        <source>Interest</source>
        <translation>利息</translation>
    </message>
    <message>
        <source>Balance</source>
        <translation>剩余本金</translation>
    </message>
    <message>
        <source>Type a price</source>
        <translation>手动输入车价</translation>
    </message>
    <message>
        <source>Enter the vehicle&apos;s price.</source>
        <translation>请输入车价。</translation>
    </message>
    <message>
        <source>Looking for the best plan for {0}…</source>
        <translation>正在为 {0} 寻找最优方案…</translation>
    </message>
    <message>
        <source>No product of the catalog makes a plan for this vehicle.</source>
        <translation>产品目录中没有适用于本车的方案。</translation>
    </message>
    <message>
        <source>{0} months</source>
        <translation>{0} 个月</translation>
    </message>
    <message>
        <source>Best plan: {0}, {1} down, {2} months — {3} a month, APR {4}.</source>
        <translation>最优方案：{0}，首付 {1}，{2} 个月——月供 {3}，年化利率 {4}。</translation>
    </message>
    <message>
        <source>The best plan could not be worked out: {0}</source>
        <translation>无法计算最优方案：{0}</translation>
    </message>
    <message>
        <source>The financed share is above the cap: this product finances at most {0} of the price for this vehicle. Raise the down payment or pay the fees at signing.</source>
        <translation>融资比例超过上限：该产品对此车辆最多融资车价的 {0}。请提高首付，或将费用改为签约时支付。</translation>
    </message>
    <message>
        <source>The down payment is below the product&apos;s minimum of {0} ({1} of the price).</source>
        <translation>首付低于产品最低要求：至少 {0}（车价的 {1}）。</translation>
    </message>
    <message>
        <source>The term is longer than allowed for this vehicle: at most {0} months.</source>
        <translation>期限超过此车辆允许的上限：最长 {0} 个月。</translation>
    </message>
    <message>
        <source>This product is not offered for {0} months (offered: {1}).</source>
        <translation>该产品不提供 {0} 个月的期限（可选：{1} 个月）。</translation>
    </message>
    <message>
        <source>This product does not offer this repayment method.</source>
        <translation>该产品不提供这种还款方式。</translation>
    </message>
    <message>
        <source>The balloon is too large: at most {0} of the price ({1}).</source>
        <translation>尾款过高：最多为车价的 {0}（{1}）。</translation>
    </message>
    <message>
        <source>A fee that must be paid at signing was set to be financed.</source>
        <translation>有一项必须在签约时支付的费用被设为融资。</translation>
    </message>
    <message>
        <source>The product has no rate for this vehicle category and term: choose another term or product.</source>
        <translation>该产品对此车辆类别和期限没有利率：请选择其他期限或产品。</translation>
    </message>
    <message>
        <source>The quote breaks a limit of the product ({0}).</source>
        <translation>报价超出了产品的限制（{0}）。</translation>
    </message>
    <message>
        <source>A payment would not cover the interest due (negative amortization): tick more payment months, choose a smaller step-up or equal principal.</source>
        <translation>有一期还款不足以支付当期利息（负摊还）：请勾选更多付款月份、降低递增倍数或改用等额本金。</translation>
    </message>
    <message>
        <source>Tick at least one payment month for a seasonal plan.</source>
        <translation>季节性还款请至少勾选一个付款月份。</translation>
    </message>
    <message>
        <source>A seasonal plan must end in a payment month: signed on {0}, this {1}-month term ends in month {2}. Tick month {2}, choose another term or change the signing date.</source>
        <translation>季节性还款的最后一期必须落在付款月份：{0} 签约、期限 {1} 个月，将在 {2} 月结束。请勾选 {2} 月、更换期限或调整签约日期。</translation>
    </message>
    <message>
        <source>Step-up / step-down plans work with equal instalments or a balloon only: choose one of those methods.</source>
        <translation>阶梯还款仅适用于等额本息或尾款方式：请选择其中一种还款方式。</translation>
    </message>
    <message>
        <source>The interest-only months must be fewer than the term ({0} months).</source>
        <translation>只付息的月数必须少于期限（{0} 个月）。</translation>
    </message>
    <message>
        <source>The step factor must be between 0.10 and 10.</source>
        <translation>阶梯倍数必须在 0.10 到 10 之间。</translation>
    </message>
    <message>
        <source>The down payment must be less than the price.</source>
        <translation>首付必须低于车价。</translation>
    </message>
    <message>
        <source>The balloon must be smaller than the amount financed.</source>
        <translation>尾款必须小于融资金额。</translation>
    </message>
    <message>
        <source>The fees would take up the whole credit.</source>
        <translation>费用将占满全部融资额，无法报价。</translation>
    </message>
    <message>
        <source>The payments would not cover the interest: change the plan.</source>
        <translation>月供不足以支付利息：请调整方案。</translation>
    </message>
    <message>
        <source>These figures do not make a quote: {0}</source>
        <translation>这些数字无法生成报价：{0}</translation>
    </message>
    <message>
        <source>Quote-{0}.pdf</source>
        <translation>报价单-{0}.pdf</translation>
    </message>
    <message>
        <source>Save the quote sheet</source>
        <translation>保存报价单</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Writing the quote sheet…</source>
        <translation>正在生成报价单…</translation>
    </message>
    <message>
        <source>Quote sheet saved: {0}</source>
        <translation>报价单已保存：{0}</translation>
    </message>
    <message>
        <source>The quote sheet could not be saved: {0} The quote is still here; try another folder.</source>
        <translation>报价单未能保存：{0} 报价仍保留在此页面；请换一个文件夹再试。</translation>
    </message>
</context>
<context>
    <name>QuoteStep</name>
    <message>
        <source>Make a valid plan with the vehicle&apos;s VIN first.</source>
        <translation>请先用该车的车架号做出有效方案。</translation>
    </message>
    <message>
        <source>This vehicle is already in the application.</source>
        <translation>这辆车已在申请中。</translation>
    </message>
    <message>
        <source>Added. Choose the next vehicle, or go on: the vehicle on the page goes with them.</source>
        <translation>已添加。请选择下一辆车，或继续下一步：页面上的车辆也会一并申请。</translation>
    </message>
    <message>
        <source>{0}. {1} {2} · VIN {3} · {4} down, {5} months</source>
        <translation>{0}. {1} {2} · 车架号 {3} · 首付 {4}，{5} 个月</translation>
    </message>
    <message>
        <source>Other vehicles in this application: {0}</source>
        <translation>本申请中的其他车辆：{0} 辆</translation>
    </message>
    <message>
        <source>One vehicle so far: add more for a fleet.</source>
        <translation>目前只有一辆车：车队可继续添加。</translation>
    </message>
    <message>
        <source>Plan {0}</source>
        <translation>方案 {0}</translation>
    </message>
    <message>
        <source>From stock: {0}, VIN {1}</source>
        <translation>库存车辆：{0}，车架号 {1}</translation>
    </message>
    <message>
        <source>VIN</source>
        <translation>车架号</translation>
    </message>
    <message>
        <source>Make</source>
        <translation>品牌</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>型号</translation>
    </message>
    <message>
        <source>17 characters, no I, O or Q</source>
        <translation>17位，不含 I、O、Q</translation>
    </message>
    <message>
        <source>The customer takes</source>
        <translation>客户选择</translation>
    </message>
    <message>
        <source>Add this vehicle (Ctrl+Shift+A)</source>
        <translation>添加此车辆 (Ctrl+Shift+A)</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
</context>
<context>
    <name>ReportCharts</name>
    <message>
        <source>{0} d {1} h</source>
        <translation>{0}天{1}小时</translation>
    </message>
    <message>
        <source>{0} h {1} min</source>
        <translation>{0}小时{1}分</translation>
    </message>
    <message>
        <source>{0} min</source>
        <translation>{0}分钟</translation>
    </message>
    <message>
        <source>Individuals</source>
        <translation>个人客户</translation>
    </message>
    <message>
        <source>Fleets</source>
        <translation>车队客户</translation>
    </message>
    <message>
        <source>Farmers</source>
        <translation>农户</translation>
    </message>
    <message>
        <source>Companies</source>
        <translation>企业客户</translation>
    </message>
    <message>
        <source>Time to decision, median (hours)</source>
        <translation>审批用时中位数（小时）</translation>
    </message>
    <message>
        <source>Time to signature, median (hours)</source>
        <translation>签约用时中位数（小时）</translation>
    </message>
    <message>
        <source>Hours</source>
        <translation>小时</translation>
    </message>
    <message>
        <source>Applications</source>
        <translation>申请数</translation>
    </message>
    <message>
        <source>Approval rate</source>
        <translation>通过率</translation>
    </message>
    <message>
        <source>Vehicles</source>
        <translation>车辆数</translation>
    </message>
    <message>
        <source>With a live application</source>
        <translation>有在途申请</translation>
    </message>
    <message>
        <source>Reserved</source>
        <translation>已预订</translation>
    </message>
    <message>
        <source>Days in stock</source>
        <translation>库龄（天）</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>批准</translation>
    </message>
    <message>
        <source>Declined</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <source>Not decided</source>
        <translation>未审批</translation>
    </message>
    <message>
        <source>Observed approval rate</source>
        <translation>实际通过率</translation>
    </message>
    <message>
        <source>Mean predicted PD</source>
        <translation>平均预测违约率</translation>
    </message>
    <message>
        <source>Applications using it</source>
        <translation>使用的申请数</translation>
    </message>
    <message>
        <source>Correction rate</source>
        <translation>更正率</translation>
    </message>
</context>
<context>
    <name>ReportsPage</name>
    <message>
        <source>Reports</source>
        <translation>报表</translation>
    </message>
    <message>
        <source>The whole showroom, computed on this desk from the local data.</source>
        <translation>整个门店的数据，由本机根据本地数据计算。</translation>
    </message>
    <message>
        <source>Your own applications, computed on this desk from the local data.</source>
        <translation>只包含您自己的申请，由本机根据本地数据计算。</translation>
    </message>
    <message>
        <source>From</source>
        <translation>日期从</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>7 days</source>
        <translation>近7天</translation>
    </message>
    <message>
        <source>30 days</source>
        <translation>近30天</translation>
    </message>
    <message>
        <source>This month</source>
        <translation>本月</translation>
    </message>
    <message>
        <source>Make, e.g. 大众</source>
        <translation>品牌，如 大众</translation>
    </message>
    <message>
        <source>Model, e.g. 朗逸</source>
        <translation>车型，如 朗逸</translation>
    </message>
    <message>
        <source>The exact make, as in the stock list</source>
        <translation>与库存列表中完全一致的品牌</translation>
    </message>
    <message>
        <source>The exact model, as in the stock list</source>
        <translation>与库存列表中完全一致的车型</translation>
    </message>
    <message>
        <source>Include personal data</source>
        <translation>包含个人信息</translation>
    </message>
    <message>
        <source>Consultants&apos; names are masked in exports unless you include them. Every export is recorded in the audit log.</source>
        <translation>除非您选择包含，导出文件中的顾问姓名均会脱敏。每次导出都会记入审计日志。</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>Export PDF…</source>
        <translation>导出 PDF…</translation>
    </message>
    <message>
        <source>Export Excel… (Ctrl+E)</source>
        <translation>导出 Excel…（Ctrl+E）</translation>
    </message>
    <message>
        <source>Refreshing…</source>
        <translation>正在刷新…</translation>
    </message>
    <message>
        <source>All consultants</source>
        <translation>全部顾问</translation>
    </message>
    <message>
        <source>All segments</source>
        <translation>全部客群</translation>
    </message>
    <message>
        <source>All products</source>
        <translation>全部产品</translation>
    </message>
    <message>
        <source>All vehicle categories</source>
        <translation>全部车辆类别</translation>
    </message>
    <message>
        <source>{0} (me)</source>
        <translation>{0}（本人）</translation>
    </message>
    <message>
        <source>Whose applications</source>
        <translation>谁的申请</translation>
    </message>
    <message>
        <source>Customer segment</source>
        <translation>客群</translation>
    </message>
    <message>
        <source>Financial product</source>
        <translation>金融产品</translation>
    </message>
    <message>
        <source>Vehicle category</source>
        <translation>车辆类别</translation>
    </message>
    <message>
        <source>The start of the range is after its end: choose dates in order.</source>
        <translation>开始日期晚于结束日期：请按先后顺序选择日期。</translation>
    </message>
    <message>
        <source>The report could not be computed: {0} Nothing was changed; try again or pick other filters.</source>
        <translation>报表未能计算：{0} 没有任何数据被更改；请重试或换用其他筛选条件。</translation>
    </message>
    <message>
        <source>Vehicles in stock today; the date range does not apply</source>
        <translation>今天的在库车辆；日期范围不适用</translation>
    </message>
    <message>
        <source>State of this desk</source>
        <translation>本机当前状态</translation>
    </message>
    <message>
        <source>Your own applications</source>
        <translation>仅您本人的申请</translation>
    </message>
    <message>
        <source>Applications of {0}</source>
        <translation>{0}的申请</translation>
    </message>
    <message>
        <source>All applications of the showroom</source>
        <translation>门店全部申请</translation>
    </message>
    <message>
        <source>None of your applications is in this range ({0}).
Choose a longer range or fewer filters.</source>
        <translation>此期间（{0}）没有您的申请。
请选择更长的期间或减少筛选条件。</translation>
    </message>
    <message>
        <source>No applications in this range ({0}).
Choose a longer range or fewer filters.</source>
        <translation>此期间（{0}）没有申请。
请选择更长的期间或减少筛选条件。</translation>
    </message>
    <message>
        <source>Nothing to show for these filters yet.</source>
        <translation>在这些筛选条件下暂无数据。</translation>
    </message>
    <message>
        <source>Include personal data?</source>
        <translation>包含个人信息？</translation>
    </message>
    <message>
        <source>The file will contain consultants&apos; names unmasked. The export is recorded in the audit log under your name. Include them?</source>
        <translation>导出文件将包含未脱敏的顾问姓名。此次导出将以您的名义记入审计日志。确定包含吗？</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Excel files (*.xlsx)</source>
        <translation>Excel 文件 (*.xlsx)</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Export the report</source>
        <translation>导出报表</translation>
    </message>
    <message>
        <source>Writing {0}…</source>
        <translation>正在写入 {0}…</translation>
    </message>
    <message>
        <source>Saved to {0}.</source>
        <translation>已保存到 {0}。</translation>
    </message>
    <message>
        <source>Names are masked.</source>
        <translation>姓名已脱敏。</translation>
    </message>
    <message>
        <source>Names included; the export was recorded in the audit log.</source>
        <translation>已包含姓名；此次导出已记入审计日志。</translation>
    </message>
    <message>
        <source>the file could not be written ({0}).</source>
        <translation>文件无法写入（{0}）。</translation>
    </message>
    <message>
        <source>The report was not exported: {0} The report on screen is unchanged; close the file if it is open in another program, or choose another folder, and export again.</source>
        <translation>报表未导出：{0} 屏幕上的报表未受影响；如果该文件已在其他程序中打开请先关闭，或选择其他文件夹，然后重新导出。</translation>
    </message>
</context>
<context>
    <name>RequoteDialog</name>
    <message>
        <source>Write the new down payment in yuan, e.g. 45,000.</source>
        <translation>请填写新的首付金额（元），例如 45,000。</translation>
    </message>
    <message>
        <source>{0:.1f} % of the price {1}</source>
        <translation>占车价 {1} 的 {0:.1f}%</translation>
    </message>
    <message>
        <source>These figures make no plan: {0}</source>
        <translation>这些数字无法形成方案：{0}</translation>
    </message>
    <message>
        <source>Monthly payment {0}, APR {1:.2f} % (all fees), financed {2}</source>
        <translation>月供 {0}，年化利率 {1:.2f}%（含全部费用），融资金额 {2}</translation>
    </message>
    <message>
        <source>Below the lessor&apos;s condition of {0:.0f} % down: it will not be met.</source>
        <translation>低于出租人要求的首付 {0:.0f}%：条件不满足。</translation>
    </message>
    <message>
        <source>Meets the lessor&apos;s condition of {0:.0f} % down.</source>
        <translation>满足出租人要求的首付 {0:.0f}%。</translation>
    </message>
    <message>
        <source>Not resubmitted: {0} The figures are still here.</source>
        <translation>未重新提交：{0} 数字仍保留在这里。</translation>
    </message>
    <message>
        <source>Requote {0}</source>
        <translation>重新报价 {0}</translation>
    </message>
    <message>
        <source>The lessor approves {0} on conditions</source>
        <translation>出租人附条件批准 {0}</translation>
    </message>
    <message>
        <source>Now: price {0}, down payment {1}, {2} months</source>
        <translation>当前：车价 {0}，首付 {1}，{2} 个月</translation>
    </message>
    <message>
        <source>New down payment</source>
        <translation>新首付</translation>
    </message>
    <message>
        <source>Term</source>
        <translation>期限</translation>
    </message>
    <message>
        <source>Note to the lessor</source>
        <translation>给出租人的说明</translation>
    </message>
    <message>
        <source>e.g. the customer puts 30 % down</source>
        <translation>例如：客户首付提高到30%</translation>
    </message>
    <message>
        <source>{0} months</source>
        <translation>{0} 个月</translation>
    </message>
    <message>
        <source>Resubmit to the lessor</source>
        <translation>重新提交给出租人</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>ReviewStep</name>
    <message>
        <source>Complete: ready to submit.</source>
        <translation>信息完整：可以提交。</translation>
    </message>
    <message>
        <source>Still missing (click to go there):</source>
        <translation>仍缺少（点击前往）：</translation>
    </message>
    <message>
        <source>still open</source>
        <translation>仍在办理中</translation>
    </message>
    <message>
        <source>submitted in the last 30 days</source>
        <translation>近30天内已提交</translation>
    </message>
    <message>
        <source>The same ID number has other applications at this dealer:</source>
        <translation>同一身份证号在本店还有其他申请：</translation>
    </message>
    <message>
        <source>Check it is not a second application by mistake; you may still submit.</source>
        <translation>请确认不是误重复申请；仍可以提交。</translation>
    </message>
    <message>
        <source>Review and submit</source>
        <translation>核对与提交</translation>
    </message>
    <message>
        <source>Check the figures with the customer. Submitting works offline too: the application leaves as soon as the network allows, exactly once.</source>
        <translation>请与客户核对各项数字。离线也可以提交：网络可用时申请即发出，且只发送一次。</translation>
    </message>
    <message>
        <source>Submit to the lessor (Ctrl+Enter)</source>
        <translation>提交给出租人 (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>Next customer</source>
        <translation>下一位客户</translation>
    </message>
</context>
<context>
    <name>Roles</name>
    <message>
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <source>Manager</source>
        <translation>经理</translation>
    </message>
    <message>
        <source>Consultant</source>
        <translation>销售顾问</translation>
    </message>
</context>
<context>
    <name>RuleEditorDialog</name>
    <message>
        <source>New promotion rule</source>
        <translation>新建促销规则</translation>
    </message>
    <message>
        <source>Edit promotion rule</source>
        <translation>编辑促销规则</translation>
    </message>
    <message>
        <source>The rule in YAML: conditions that must all hold, and its effects. Rates and ratios as fractions (&quot;0.0299&quot;) or percentages (&quot;2.99%&quot;). Save checks it.</source>
        <translation>以 YAML 编写规则：须全部满足的条件及其效果。利率和比例可写成小数（&quot;0.0299&quot;）或百分比（&quot;2.99%&quot;）。保存时会校验。</translation>
    </message>
    <message>
        <source>Save (Ctrl+S)</source>
        <translation>保存 (Ctrl+S)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source> (line {0})</source>
        <translation>（第 {0} 行）</translation>
    </message>
    <message>
        <source>This is not valid YAML{0}: check the indentation and the colons.</source>
        <translation>这不是有效的 YAML{0}：请检查缩进和冒号。</translation>
    </message>
    <message>
        <source>A rule is a mapping: code, names, conditions and effects.</source>
        <translation>一条规则应包含：代码、名称、条件和效果。</translation>
    </message>
    <message>
        <source>Not saved: {0}</source>
        <translation>未保存：{0}</translation>
    </message>
</context>
<context>
    <name>RulesView</name>
    <message>
        <source>Promotion rules</source>
        <translation>促销规则</translation>
    </message>
    <message>
        <source>Only managers and administrators change the rules; you can see and test them.</source>
        <translation>只有经理和管理员可以修改规则；您可以查看和测试。</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>Stacks</source>
        <translation>可叠加</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Conditions</source>
        <translation>条件</translation>
    </message>
    <message>
        <source>Effects</source>
        <translation>效果</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新建</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Import YAML…</source>
        <translation>导入 YAML…</translation>
    </message>
    <message>
        <source>Export YAML…</source>
        <translation>导出 YAML…</translation>
    </message>
    <message>
        <source>Test rule (Ctrl+T)</source>
        <translation>测试规则 (Ctrl+T)</translation>
    </message>
    <message>
        <source>Rule tester</source>
        <translation>规则测试</translation>
    </message>
    <message>
        <source>VIN</source>
        <translation>车架号</translation>
    </message>
    <message>
        <source>Vehicle</source>
        <translation>车辆</translation>
    </message>
    <message>
        <source>Days in stock</source>
        <translation>库龄（天）</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>车价</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>alone</source>
        <translation>独享</translation>
    </message>
    <message>
        <source>paid by {0}</source>
        <translation>由{0}承担</translation>
    </message>
    <message>
        <source>Rule {0} saved.</source>
        <translation>规则 {0} 已保存。</translation>
    </message>
    <message>
        <source>Delete the rule</source>
        <translation>删除规则</translation>
    </message>
    <message>
        <source>Delete the rule {0} ({1})? Quotes already made keep it.</source>
        <translation>删除规则 {0}（{1}）？已生成的报价不受影响。</translation>
    </message>
    <message>
        <source>Rule {0} deleted.</source>
        <translation>规则 {0} 已删除。</translation>
    </message>
    <message>
        <source>Import promotion rules</source>
        <translation>导入促销规则</translation>
    </message>
    <message>
        <source>YAML files (*.yaml *.yml)</source>
        <translation>YAML 文件 (*.yaml *.yml)</translation>
    </message>
    <message>
        <source>Nothing imported: {0}</source>
        <translation>未导入任何规则：{0}</translation>
    </message>
    <message>
        <source>The file cannot be read: {0}</source>
        <translation>无法读取文件：{0}</translation>
    </message>
    <message>
        <source>{0} rules imported.</source>
        <translation>已导入 {0} 条规则。</translation>
    </message>
    <message>
        <source>Export promotion rules</source>
        <translation>导出促销规则</translation>
    </message>
    <message>
        <source>Not exported: {0}</source>
        <translation>未导出：{0}</translation>
    </message>
    <message>
        <source>The dealer&apos;s rules were exported to {0}.</source>
        <translation>经销商规则已导出到 {0}。</translation>
    </message>
    <message>
        <source>Testing {0} on the stock…</source>
        <translation>正在用库存测试 {0}…</translation>
    </message>
    <message>
        <source>The test failed: {0}</source>
        <translation>测试失败：{0}</translation>
    </message>
    <message>
        <source>Choose a rule and press Test rule: the vehicles it hits and what it does to a sample quote.</source>
        <translation>选择一条规则并点击“测试规则”：查看命中的车辆及其对示例报价的影响。</translation>
    </message>
    <message>
        <source>{0} — {1}: hits {2} vehicles in stock.</source>
        <translation>{0}——{1}：命中 {2} 辆在库车辆。</translation>
    </message>
    <message>
        <source>No vehicle in stock meets the conditions.</source>
        <translation>没有在库车辆满足条件。</translation>
    </message>
    <message>
        <source>None of the products it names is in the catalog.</source>
        <translation>规则指定的产品都不在产品目录中。</translation>
    </message>
    <message>
        <source>&lt;b&gt;No sample quote.&lt;/b&gt; {0}</source>
        <translation>&lt;b&gt;无示例报价。&lt;/b&gt; {0}</translation>
    </message>
    <message>
        <source>APR</source>
        <translation>年化利率</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>方案</translation>
    </message>
    <message>
        <source>{0}, {1} down, {2} months</source>
        <translation>{0}，首付 {1}，{2} 个月</translation>
    </message>
    <message>
        <source>Standard monthly payment</source>
        <translation>标准月供</translation>
    </message>
    <message>
        <source>With the rule</source>
        <translation>使用该规则后</translation>
    </message>
    <message>
        <source>Customer saves</source>
        <translation>客户节省</translation>
    </message>
    <message>
        <source>{0} a month, {1} interest, {2} fees</source>
        <translation>每月 {0}，利息 {1}，费用 {2}</translation>
    </message>
    <message>
        <source>Cost to {0}</source>
        <translation>{0}成本</translation>
    </message>
    <message>
        <source>Cost to the dealer</source>
        <translation>经销商成本</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>This desk</source>
        <translation>本工作台</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Lock after idle (minutes)</source>
        <translation>无操作自动锁定（分钟）</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Initial password</source>
        <translation>初始密码</translation>
    </message>
    <message>
        <source>Add user</source>
        <translation>添加用户</translation>
    </message>
    <message>
        <source>About</source>
        <translation>关于</translation>
    </message>
    <message>
        <source>Showroom Finance Desk {0} · Qt {1}
Data folder: {2}
Log file: {3}
Data key: {4}</source>
        <translation>展厅金融工作台 {0} · Qt {1}
数据文件夹：{2}
日志文件：{3}
数据密钥：{4}</translation>
    </message>
    <message>
        <source>Pre-score models: {0}</source>
        <translation>预审模型：{0}</translation>
    </message>
    <message>
        <source>OCR engine: {0}</source>
        <translation>OCR引擎：{0}</translation>
    </message>
    <message>
        <source>Save support bundle…</source>
        <translation>保存支持包…</translation>
    </message>
    <message>
        <source>A zip for support staff: the log files and a self-test, with ID, phone and bank card numbers masked. It holds no customer data or documents.</source>
        <translation>供技术支持使用的压缩包：包含日志文件和自检报告，身份证号、手机号和银行卡号均已脱敏。不含客户资料或证件。</translation>
    </message>
    <message>
        <source>Save support bundle</source>
        <translation>保存支持包</translation>
    </message>
    <message>
        <source>Zip files (*.zip)</source>
        <translation>Zip 文件 (*.zip)</translation>
    </message>
    <message>
        <source>Writing {0}… (runs the self-test)</source>
        <translation>正在写入 {0}…（运行自检）</translation>
    </message>
    <message>
        <source>Saved to {0}. The self-test passed.</source>
        <translation>已保存到 {0}。自检通过。</translation>
    </message>
    <message>
        <source>Saved to {0}. Some self-test checks failed: the bundle says which.</source>
        <translation>已保存到 {0}。部分自检未通过：详见支持包。</translation>
    </message>
    <message>
        <source>The support bundle could not be saved: {0}</source>
        <translation>支持包未能保存：{0}</translation>
    </message>
    <message>
        <source>in the system keyring</source>
        <translation>保存在系统密钥环中</translation>
    </message>
    <message>
        <source>in a key file protected by a passphrase</source>
        <translation>保存在受口令保护的密钥文件中</translation>
    </message>
    <message>
        <source>User {0} added.</source>
        <translation>已添加用户 {0}。</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>Sign in — Showroom Finance Desk</source>
        <translation>登录 — 展厅金融工作台</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Use your desk account. Ask an administrator for one.</source>
        <translation>请使用您的工作台账户登录。如没有账户，请联系管理员。</translation>
    </message>
    <message>
        <source>Locked — Showroom Finance Desk</source>
        <translation>已锁定 — 展厅金融工作台</translation>
    </message>
    <message>
        <source>Desk locked</source>
        <translation>工作台已锁定</translation>
    </message>
    <message>
        <source>Locked after a period of inactivity. Your work is kept; enter your password to continue.</source>
        <translation>长时间无操作，工作台已锁定。您的工作已保存，请输入密码继续。</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <source>Switch user</source>
        <translation>切换用户</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Demo mode — sample accounts (synthetic data):</source>
        <translation>演示模式 — 示例账户（模拟数据）：</translation>
    </message>
    <message>
        <source>Use</source>
        <translation>填入</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在验证…</translation>
    </message>
</context>
<context>
    <name>SigningView</name>
    <message>
        <source>Contract {0} · application {1}</source>
        <translation>合同 {0} · 申请 {1}</translation>
    </message>
    <message>
        <source>Loan</source>
        <translation>贷款</translation>
    </message>
    <message>
        <source>Lease</source>
        <translation>融资租赁</translation>
    </message>
    <message>
        <source>Financing</source>
        <translation>融资</translation>
    </message>
    <message>
        <source>APR {0} (nominal {1})</source>
        <translation>年化利率（APR）{0}（名义 {1}）</translation>
    </message>
    <message>
        <source>Monthly {0}</source>
        <translation>月供 {0}</translation>
    </message>
    <message>
        <source>Financed {0} over {1} months</source>
        <translation>融资 {0}，{1} 个月</translation>
    </message>
    <message>
        <source>The PDF viewer is not installed on this desk (pyside6-pdf); print the contract to read it.</source>
        <translation>本工作台未安装 PDF 查看组件（pyside6-pdf）；请打印合同阅读。</translation>
    </message>
    <message>
        <source>Let the customer read the contract, then sign below with the mouse, a pen or a finger.</source>
        <translation>请客户阅读合同，然后用鼠标、手写笔或手指在下方签名。</translation>
    </message>
    <message>
        <source>Sign here</source>
        <translation>请在此签名</translation>
    </message>
    <message>
        <source>Undo stroke</source>
        <translation>撤销一笔</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Signer&apos;s name (as on the ID card)</source>
        <translation>签署人姓名（与身份证一致）</translation>
    </message>
    <message>
        <source>Witnessed by {0}; the time is recorded when you confirm.</source>
        <translation>见证人：{0}；确认时记录签署时间。</translation>
    </message>
    <message>
        <source>Back (Esc)</source>
        <translation>返回（Esc）</translation>
    </message>
    <message>
        <source>Confirm signature</source>
        <translation>确认签名</translation>
    </message>
</context>
<context>
    <name>Startup</name>
    <message>
        <source>The desk cannot open</source>
        <translation>工作台无法打开</translation>
    </message>
    <message>
        <source>{0}

Nothing was changed. Details are in the log file:
{1}</source>
        <translation>{0}

未做任何更改。详细信息在日志文件中：
{1}</translation>
    </message>
</context>
<context>
    <name>Status</name>
    <message>
        <source>Draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>待发送</translation>
    </message>
    <message>
        <source>Submitted</source>
        <translation>已提交</translation>
    </message>
    <message>
        <source>In review</source>
        <translation>审核中</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>已批准</translation>
    </message>
    <message>
        <source>Conditional</source>
        <translation>有条件批准</translation>
    </message>
    <message>
        <source>Declined</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <source>Contract ready</source>
        <translation>合同已就绪</translation>
    </message>
    <message>
        <source>Signed</source>
        <translation>已签约</translation>
    </message>
    <message>
        <source>Funded</source>
        <translation>已放款</translation>
    </message>
    <message>
        <source>Withdrawn</source>
        <translation>已撤回</translation>
    </message>
</context>
<context>
    <name>StockFields</name>
    <message>
        <source>VIN</source>
        <translation>车架号</translation>
    </message>
    <message>
        <source>Make</source>
        <translation>品牌</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>车型</translation>
    </message>
    <message>
        <source>Trim</source>
        <translation>配置</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>车辆类别</translation>
    </message>
    <message>
        <source>Model year</source>
        <translation>年款</translation>
    </message>
    <message>
        <source>New-energy</source>
        <translation>新能源</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>车价</translation>
    </message>
    <message>
        <source>Stock-in date</source>
        <translation>入库日期</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
</context>
<context>
    <name>StockPage</name>
    <message>
        <source>Stock &amp; promotions</source>
        <translation>库存与促销</translation>
    </message>
    <message>
        <source>The vehicles longest in stock first, each with the best financing its promotions allow. Import the DMS export or add vehicles by hand.</source>
        <translation>库龄最长的车辆排在最前，每辆车显示其促销可给出的最优金融方案。可导入 DMS 导出文件或手动添加车辆。</translation>
    </message>
    <message>
        <source>Vehicles</source>
        <translation>车辆</translation>
    </message>
    <message>
        <source>Promotion rules</source>
        <translation>促销规则</translation>
    </message>
    <message>
        <source>Search VIN, make, model… (Ctrl+Shift+F)</source>
        <translation>搜索车架号、品牌、车型… (Ctrl+Shift+F)</translation>
    </message>
    <message>
        <source>Only with offers</source>
        <translation>仅看有优惠</translation>
    </message>
    <message>
        <source>In stock {0}+ days</source>
        <translation>库龄 {0} 天以上</translation>
    </message>
    <message>
        <source>VIN</source>
        <translation>车架号</translation>
    </message>
    <message>
        <source>Vehicle</source>
        <translation>车辆</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>车辆类别</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>车价</translation>
    </message>
    <message>
        <source>Days in stock</source>
        <translation>库龄（天）</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Offers</source>
        <translation>优惠</translation>
    </message>
    <message>
        <source>Best financing offer</source>
        <translation>最优金融优惠</translation>
    </message>
    <message>
        <source>Add vehicle (Ctrl+Shift+N)</source>
        <translation>添加车辆 (Ctrl+Shift+N)</translation>
    </message>
    <message>
        <source>Edit (F2)</source>
        <translation>编辑 (F2)</translation>
    </message>
    <message>
        <source>Import… (Ctrl+I)</source>
        <translation>导入… (Ctrl+I)</translation>
    </message>
    <message>
        <source>Working out the offers on every vehicle…</source>
        <translation>正在计算每辆车的优惠…</translation>
    </message>
    <message>
        <source>The stock could not be loaded: {0}</source>
        <translation>无法加载库存：{0}</translation>
    </message>
    <message>
        <source>{0} offers</source>
        <translation>{0} 项优惠</translation>
    </message>
    <message>
        <source>1 offer</source>
        <translation>1 项优惠</translation>
    </message>
    <message>
        <source>{0} of {1} vehicles · {2} with offers</source>
        <translation>显示 {0} / {1} 辆 · {2} 辆有优惠</translation>
    </message>
    <message>
        <source>Vehicle {0} saved, please check: {1}</source>
        <translation>车辆 {0} 已保存，请核对：{1}</translation>
    </message>
    <message>
        <source>Vehicle {0} saved.</source>
        <translation>车辆 {0} 已保存。</translation>
    </message>
    <message>
        <source>Import the stock</source>
        <translation>导入库存</translation>
    </message>
    <message>
        <source>DMS exports (*.csv *.xlsx *.xlsm);;All files (*)</source>
        <translation>DMS 导出文件 (*.csv *.xlsx *.xlsm);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Reading {0}…</source>
        <translation>正在读取 {0}…</translation>
    </message>
    <message>
        <source>Importing {0}…</source>
        <translation>正在导入 {0}…</translation>
    </message>
    <message>
        <source>Import done: {0} added, {1} updated, {2} not imported.</source>
        <translation>导入完成：新增 {0} 辆，更新 {1} 辆，{2} 行未导入。</translation>
    </message>
    <message>
        <source>The file was not imported: {0} Nothing was changed; fix the file or the columns and import again.</source>
        <translation>文件未导入：{0} 库存没有任何改动；请修改文件或列对应后重新导入。</translation>
    </message>
</context>
<context>
    <name>SyncPage</name>
    <message>
        <source>Send again</source>
        <translation>重新发送</translation>
    </message>
    <message>
        <source>Send {0} of application {1} again?

The lessor refused it with: {2}

Send it again only once the cause is fixed; otherwise it will be refused again.</source>
        <translation>重新发送申请 {1} 的{0}？

出租人的拒绝原因：{2}

请在问题解决后再重新发送，否则会再次被拒绝。</translation>
    </message>
    <message>
        <source>The application goes back to the desk as a draft, with the documents queued after it.</source>
        <translation>该申请将退回为草稿，排在其后的资料也一并取消发送。</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>放弃</translation>
    </message>
    <message>
        <source>Discard {0} of application {1}? It will not be sent. This is recorded in the audit log.</source>
        <translation>放弃申请 {1} 的{0}？它将不会被发送。此操作会记入审计日志。</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <source>Last answer from the lessor</source>
        <translation>出租人最近一次应答</translation>
    </message>
    <message>
        <source>Waiting to be sent</source>
        <translation>等待发送</translation>
    </message>
    <message>
        <source>Send again…</source>
        <translation>重新发送…</translation>
    </message>
    <message>
        <source>Discard…</source>
        <translation>放弃…</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <source>A manager can send refused items again or discard them.</source>
        <translation>被拒绝的项目可由经理重新发送或放弃。</translation>
    </message>
    <message>
        <source>Application</source>
        <translation>申请</translation>
    </message>
    <message>
        <source>What</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>尝试次数</translation>
    </message>
    <message>
        <source>Next try</source>
        <translation>下次尝试</translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>最近错误</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>排队时间</translation>
    </message>
    <message>
        <source>Decisions</source>
        <translation>审批结果</translation>
    </message>
    <message>
        <source>Contracts</source>
        <translation>合同</translation>
    </message>
    <message>
        <source>Products and rates</source>
        <translation>产品与利率</translation>
    </message>
    <message>
        <source>Campaigns</source>
        <translation>促销活动</translation>
    </message>
    <message>
        <source>{0}:</source>
        <translation>{0}：</translation>
    </message>
    <message>
        <source>not yet</source>
        <translation>尚未</translation>
    </message>
    <message>
        <source>The outbox could not be read: {0}</source>
        <translation>无法读取待发送队列：{0}</translation>
    </message>
    <message>
        <source>Checking the connection to the lessor…</source>
        <translation>正在检查与出租人的连接…</translation>
    </message>
    <message>
        <source>No lessor address is set: work is kept on this PC until one is configured in Settings.</source>
        <translation>尚未设置出租人地址：所有工作都保存在本机，在“设置”中配置后再发送。</translation>
    </message>
    <message>
        <source>Offline: {0} item(s) are kept on this PC and sent when the connection returns.</source>
        <translation>离线：{0} 项保存在本机，网络恢复后自动发送。</translation>
    </message>
    <message>
        <source>The lessor does not accept this desk&apos;s credentials: an administrator must enroll it again. Nothing is lost.</source>
        <translation>出租人不再接受本工作台的凭证：需由管理员重新注册。数据没有丢失。</translation>
    </message>
    <message>
        <source>Online: sending {0} item(s).</source>
        <translation>在线：正在发送 {0} 项。</translation>
    </message>
    <message>
        <source>Online: everything has been sent.</source>
        <translation>在线：全部已发送。</translation>
    </message>
    <message>
        <source>{0} item(s) were refused by the lessor and wait for a manager.</source>
        <translation>{0} 项被出租人拒绝，等待经理处理。</translation>
    </message>
    <message>
        <source>{0} item(s) failed {1} times or more: the queue is not draining. Check the network or call support; nothing is lost.</source>
        <translation>{0} 项已失败 {1} 次以上：队列发不出去。请检查网络或联系技术支持；数据没有丢失。</translation>
    </message>
    <message>
        <source>Nothing is waiting: everything made at this desk has reached the lessor.</source>
        <translation>没有待发送的内容：本工作台的所有数据都已送达出租人。</translation>
    </message>
    <message>
        <source>Refused</source>
        <translation>被拒绝</translation>
    </message>
    <message>
        <source>Not getting through</source>
        <translation>发送不出去</translation>
    </message>
    <message>
        <source>Retrying</source>
        <translation>重试中</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>after a manager acts</source>
        <translation>待经理处理</translation>
    </message>
    <message>
        <source>now</source>
        <translation>立即</translation>
    </message>
    <message>
        <source>in {0} s</source>
        <translation>{0} 秒后</translation>
    </message>
    <message>
        <source>in {0} min</source>
        <translation>{0} 分钟后</translation>
    </message>
    <message>
        <source>Submission</source>
        <translation>提交申请</translation>
    </message>
    <message>
        <source>Requote</source>
        <translation>重新报价</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>资料</translation>
    </message>
    <message>
        <source>Signature</source>
        <translation>签名</translation>
    </message>
    <message>
        <source>Withdrawal</source>
        <translation>撤回</translation>
    </message>
</context>
<context>
    <name>Toast</name>
    <message>
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
    <message>
        <source>The lessor&apos;s decision arrived. Click to open the application.</source>
        <translation>资方审批结果已到，点击查看该申请。</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>VehicleDialog</name>
    <message>
        <source>Edit vehicle</source>
        <translation>编辑车辆</translation>
    </message>
    <message>
        <source>Add a vehicle</source>
        <translation>添加车辆</translation>
    </message>
    <message>
        <source>Battery-electric, plug-in or range-extended</source>
        <translation>纯电、插电混动或增程</translation>
    </message>
    <message>
        <source>17 characters, e.g. LSVAU2A37N2183294</source>
        <translation>17 位，例如 LSVAU2A37N2183294</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>A VIN has only digits and the letters A–Z without I, O and Q.</source>
        <translation>车架号只能包含数字和字母 A–Z，且不含 I、O、Q。</translation>
    </message>
    <message>
        <source>A VIN has 17 characters; this one has {0}.</source>
        <translation>车架号应为 17 位，当前为 {0} 位。</translation>
    </message>
    <message>
        <source>Not saved: {0}</source>
        <translation>未保存：{0}</translation>
    </message>
</context>
<context>
    <name>Wizard</name>
    <message>
        <source>ID card, photo side</source>
        <translation>身份证人像面</translation>
    </message>
    <message>
        <source>ID card, emblem side</source>
        <translation>身份证国徽面</translation>
    </message>
    <message>
        <source>Business licence</source>
        <translation>营业执照</translation>
    </message>
    <message>
        <source>Driving licence</source>
        <translation>驾驶证</translation>
    </message>
    <message>
        <source>Vehicle licence</source>
        <translation>行驶证</translation>
    </message>
    <message>
        <source>Bank card</source>
        <translation>银行卡</translation>
    </message>
    <message>
        <source>Proof of income</source>
        <translation>收入证明</translation>
    </message>
    <message>
        <source>Signed consent</source>
        <translation>签署的授权书</translation>
    </message>
</context>
</TS>
