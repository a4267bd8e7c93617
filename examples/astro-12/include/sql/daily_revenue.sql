SELECT order_date, SUM(amount) AS revenue
FROM analytics.orders
WHERE order_date = '{{ ds }}'
GROUP BY order_date;
